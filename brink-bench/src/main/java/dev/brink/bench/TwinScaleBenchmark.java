package dev.brink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.ServiceEndpoint;
import dev.brink.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 2's twin-store benchmark: grows a hub (a child JVM with its SQLite store) to each requested number of
 * module twins through the REST API, and at each size measures GET and PATCH over HTTPS, two tag queries,
 * the data dir and the hub's RSS. A fixed-response HTTPS server is measured with the same loops as the
 * baseline. Prints (and with {@code --out} writes) markdown tables. See README.md beside this class.
 */
@Command(name = "twin-scale", mixinStandardHelpOptions = true,
        description = "Module-twin scale benchmark of the Brink hub (issue 2).")
public final class TwinScaleBenchmark implements Callable<Integer> {
    static final String HUB_MAIN = "dev.brink.hub.HubMain";
    static final Pattern HUB_READY = Pattern.compile("Hub listening on https://[^ ]+:(\\d+)");
    static final Pattern BASELINE_READY = Pattern.compile(Pattern.quote(FixedJsonServer.READY) + "(\\d+)");
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String HOST = "127.0.0.1";

    @Option(names = "--twins", split = ",", description = "Population sizes, grown in this order (default: ${DEFAULT-VALUE}).")
    List<Integer> twins = List.of(100_000, 1_000_000);

    @Option(names = "--modules-per-device", description = "Module twins per device (default: ${DEFAULT-VALUE}).")
    int modulesPerDevice = 10;

    @Option(names = "--out", description = "Also write the markdown report to this file.")
    Path out;

    @Option(names = "--data-dir", description = "Hub data dir; must be empty or absent (default: a new temp dir).")
    Path dataDir;

    @Option(names = "--keep-data", description = "Keep the hub data dir at the end.")
    boolean keepData;

    @Option(names = "--hub-heap", description = "The hub JVM's -Xmx (default: ${DEFAULT-VALUE}).")
    String hubHeap = "1g";

    @Option(names = "--create-in-flight", description = "Concurrent create operations (default: ${DEFAULT-VALUE}).")
    int createInFlight = 64;

    @Option(names = "--get-requests", description = "Measured GETs per size (default: ${DEFAULT-VALUE}).")
    int getRequests = 20_000;

    @Option(names = "--get-in-flight", description = "Concurrent GETs (default: ${DEFAULT-VALUE}).")
    int getInFlight = 8;

    @Option(names = "--patch-requests", description = "Measured desired PATCHes per size (default: ${DEFAULT-VALUE}).")
    int patchRequests = 20_000;

    @Option(names = "--patch-in-flight", description = "Concurrent PATCHes (default: ${DEFAULT-VALUE}).")
    int patchInFlight = 64;

    @Option(names = "--warmup-seconds",
            description = "Unmeasured requests before each measured loop, for this long (default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 10;

    @Option(names = "--query-runs", description = "Repetitions of each query (default: ${DEFAULT-VALUE}).")
    int queryRuns = 5;

    @Option(names = "--site", description = "The tags.site value queried (default: ${DEFAULT-VALUE}).")
    String site = "s42";

    @Option(names = "--max-minutes", description = "Wall-clock budget of the whole run (default: ${DEFAULT-VALUE}).")
    long maxMinutes = 60;

    @Option(names = "--create-minutes",
            description = "Budget for growing the population in each step; measure at the size reached (default: ${DEFAULT-VALUE}).")
    long createMinutes = 25;

    @Option(names = "--no-baseline", description = "Skip the fixed-response baseline server.")
    boolean noBaseline;

    private long deadlineNanos;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TwinScaleBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        long started = System.nanoTime();
        deadlineNanos = started + Duration.ofMinutes(maxMinutes).toNanos();
        boolean tempDir = dataDir == null;
        Path dir = tempDir ? Files.createTempDirectory("brink-twin-scale-") : prepareDataDir(dataDir);
        Vertx vertx = Vertx.vertx();
        List<ScaleResult> results = new ArrayList<>();
        TwinScaleReport.Baseline baseline = null;
        try (ChildJvm hub = startHub(dir); RssSampler rss = new RssSampler(hub.pid())) {
            ServiceEndpoint endpoint = ServiceEndpoint.parse(
                    Files.readString(dir.resolve("service-connection-string"), StandardCharsets.UTF_8).trim());
            SasTokenCache token = new SasTokenCache(endpoint);
            Path ca = dir.resolve("certs").resolve("ca.pem");
            if (!noBaseline) {
                baseline = runBaseline(vertx, dir, ca, token);
            }
            int maxInFlight = Math.max(createInFlight, Math.max(getInFlight, patchInFlight));
            HttpLoadClient http = new HttpLoadClient(vertx, HOST, endpoint.port(), ca, maxInFlight, token);
            try {
                TwinWorkload workload = new TwinWorkload(http, modulesPerDevice);
                int population = 0;
                for (int target : twins) {
                    ScaleResult result = step(workload, rss, dir, population, target);
                    results.add(result);
                    population = result.twins();
                    report(results, baseline, started, false);
                    if (population < target) {
                        break; // the create budget ran out: larger steps would not be reached either
                    }
                }
            } finally {
                http.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            if (tempDir && !keepData) {
                deleteRecursively(dir);
            }
        }
        report(results, baseline, started, true);
        return 0;
    }

    private void validate() {
        if (twins.isEmpty() || modulesPerDevice < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--twins and --modules-per-device must be positive");
        }
        int previous = 0;
        for (int t : twins) {
            if (t <= previous || t % modulesPerDevice != 0) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--twins must increase and each be a multiple of --modules-per-device: " + twins);
            }
            previous = t;
        }
    }

    private ChildJvm startHub(Path dir) throws IOException, InterruptedException {
        List<String> jvm = List.of("-Xmx" + hubHeap);
        List<String> args = List.of("--data", dir.toString(), "--host", HOST, "--https-port", "0", "--mqtt-port", "0");
        log("starting hub (%s) with data dir %s", String.join(" ", jvm), dir);
        ChildJvm hub = ChildJvm.start("hub", jvm, HUB_MAIN, args, dir.resolveSibling(dir.getFileName() + "-hub.log"),
                START_TIMEOUT);
        try {
            String port = hub.awaitLine(HUB_READY, START_TIMEOUT);
            log("hub pid %d listening on port %s", hub.pid(), port);
            return hub;
        } catch (IOException | InterruptedException | RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    private TwinScaleReport.Baseline runBaseline(Vertx vertx, Path dir, Path ca, SasTokenCache token)
            throws IOException, InterruptedException {
        Path certs = dir.resolve("certs");
        List<String> args = List.of("--cert", certs.resolve("server.pem").toString(),
                "--key", certs.resolve("server.key").toString(), "--host", HOST, "--port", "0");
        try (ChildJvm server = ChildJvm.start("baseline", List.of("-Xmx" + hubHeap), FixedJsonServer.class.getName(),
                args, dir.resolveSibling(dir.getFileName() + "-baseline.log"), START_TIMEOUT)) {
            int port = Integer.parseInt(server.awaitLine(BASELINE_READY, START_TIMEOUT));
            log("baseline server pid %d on port %d", server.pid(), port);
            HttpLoadClient http = new HttpLoadClient(vertx, HOST, port, ca, Math.max(getInFlight, patchInFlight), token);
            try {
                // the same paths and bodies as the hub loops, so request sizes match
                TwinWorkload workload = new TwinWorkload(http, modulesPerDevice);
                int space = twins.get(twins.size() - 1);
                warmConnections("baseline", workload);
                warmUp("baseline PATCH", patchInFlight, i -> workload.patchDesired(random(space), i));
                warmUp("baseline GET", getInFlight, i -> workload.getTwin(random(space)));
                LoadDriver.Result get = measure("baseline GET", getRequests, getInFlight, i -> workload.getTwin(random(space)));
                LoadDriver.Result patch = measure("baseline PATCH", patchRequests, patchInFlight,
                        i -> workload.patchDesired(random(space), i));
                return new TwinScaleReport.Baseline(get, patch);
            } finally {
                http.close();
            }
        }
    }

    /**
     * Grows the population from {@code from} to {@code target} twins (or as far as the create budget goes),
     * then measures at that size.
     */
    private ScaleResult step(TwinWorkload workload, RssSampler rss, Path dir, int from, int target) throws Exception {
        log("=== %s module twins (adding %,d) ===", TwinScaleReport.label(target), target - from);
        rss.resetMax();
        double loadStart = loadAverage();
        warmConnections("hub", workload);
        int firstDevice = from / modulesPerDevice;
        int devices = target / modulesPerDevice - firstDevice;
        long createStopAt = System.nanoTime() + Duration.ofMinutes(createMinutes).toNanos();
        LoadDriver.Result identities = measure("create devices+modules", firstDevice, devices, createInFlight,
                until(createStopAt), workload::createDeviceWithModules);
        if (identities.started() < devices) {
            // out of time: measure at the size reached (every device started was completed or failed)
            int reached = from + identities.started() * modulesPerDevice;
            log("create budget of %d min used up at %,d of %,d twins; measuring at %,d", createMinutes, reached,
                    target, reached);
            target = reached;
        }
        // the tags get the rest of the step's create budget, and at least a tenth of it
        Duration tagBudget = Duration.ofNanos(Math.max(createStopAt - System.nanoTime(),
                Duration.ofMinutes(createMinutes).toNanos() / 10));
        LoadDriver.Result tags = measure("tag twins", from, target - from, createInFlight, min(tagBudget, remaining()),
                workload::tagTwin);
        final int size = target;
        warmUp("GET", getInFlight, i -> workload.getTwin(random(size)));
        LoadDriver.Result get = measure("GET", getRequests, getInFlight, i -> workload.getTwin(random(size)));
        warmUp("PATCH", patchInFlight, i -> workload.patchDesired(random(size), -1 - i));
        LoadDriver.Result patch = measure("PATCH", patchRequests, patchInFlight,
                i -> workload.patchDesired(random(size), i));
        String where = " FROM devices.modules WHERE tags.site = '" + site + "'";
        ScaleResult.QueryStats select = query(workload, "SELECT *" + where);
        ScaleResult.QueryStats count = query(workload, "SELECT COUNT()" + where);
        long[] sizes = dataDirSizes(dir);
        double rssMax = rss.maxMib();
        RssSampler.Rss end = rss.now();
        log("data dir %.0f MiB (db %.0f, wal+shm %.0f); hub RSS max %.0f MiB, now %.0f MiB (anon %.0f, file %.0f)",
                (sizes[0] + sizes[1] + sizes[2]) / 1048576.0, sizes[0] / 1048576.0, sizes[1] / 1048576.0, rssMax,
                end.vmRssMib(), end.rssAnonMib(), end.rssFileMib());
        return new ScaleResult(size, size - from, modulesPerDevice, identities, tags, get, patch, select, count,
                sizes[0], sizes[1], sizes[2], rssMax, end, loadStart, loadAverage());
    }

    private LoadDriver.Result measure(String name, int total, int inFlight, IntFunction<Future<?>> op) {
        return measure(name, 0, total, inFlight, remaining(), op);
    }

    private LoadDriver.Result measure(String name, int from, int total, int inFlight, Duration budget,
            IntFunction<Future<?>> op) {
        log("%s: %,d operations, %d in flight", name, total, inFlight);
        LoadDriver.Result r = LoadDriver.run(name, from, total, inFlight, budget, op);
        log("%s: %,d ok, %d failed in %.1f s = %,.0f/s; p50 %.2f ms, p90 %.2f, p99 %.2f, max %.1f", name, r.ok(),
                r.failures(), r.seconds(), r.perSecond(), r.latency().p50(), r.latency().p90(), r.latency().p99(),
                r.latency().max());
        return r;
    }

    /**
     * Opens the client's connections a few at a time (8, 16, 32, 64 in flight), so that later loops never
     * start with dozens of simultaneous TLS handshakes, which a cold JVM can time out.
     */
    private void warmConnections(String name, TwinWorkload workload) {
        int max = Math.max(createInFlight, Math.max(getInFlight, patchInFlight));
        for (int n = Math.min(8, max); ; n = Math.min(max, n * 2)) {
            LoadDriver.Result r = LoadDriver.run(name + " connections", 0, n * 20, n, remaining(), i -> workload.statistics());
            if (n == max) {
                log("%s: %d connections open (%,.0f requests/s at the end of the ramp)", name, n, r.perSecond());
                return;
            }
        }
    }

    /** The 1-minute load average of the machine (/proc/loadavg), or -1 when unreadable. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Unmeasured load for {@code --warmup-seconds}, so the JIT has compiled the paths that are measured next. */
    private void warmUp(String name, int inFlight, IntFunction<Future<?>> op) {
        LoadDriver.Result r = LoadDriver.run(name + " warm-up", 0, Integer.MAX_VALUE / 2, inFlight,
                min(Duration.ofSeconds(warmupSeconds), remaining()), op);
        log("%s warm-up: %,d requests in %.1f s (%,.0f/s)", name, r.ok(), r.seconds(), r.perSecond());
    }

    private Duration until(long stopAtNanos) {
        return min(Duration.ofNanos(Math.max(0, stopAtNanos - System.nanoTime())), remaining());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Runs a query {@code queryRuns} times (fewer if one run takes minutes) and keeps the median. */
    private ScaleResult.QueryStats query(TwinWorkload workload, String sql) throws Exception {
        List<Double> millis = new ArrayList<>();
        TwinWorkload.QueryRun last = null;
        long budget = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int i = 0; i < queryRuns && (i == 0 || System.nanoTime() < budget); i++) {
            last = workload.query(sql, 1000);
            millis.add(last.millis());
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        JsonNode first = last.rows().isEmpty() ? null : last.rows().get(0);
        String firstRow = first == null ? "" : abbreviate(Json.write(first));
        log("query %s: %d rows in %d pages; runs %s ms; first row %s", sql, last.rows().size(), last.pages(),
                Arrays.toString(Arrays.stream(sorted).mapToLong(Math::round).toArray()), firstRow);
        return new ScaleResult.QueryStats(sql, sorted.length, median, sorted[0], sorted[sorted.length - 1],
                last.rows().size(), last.pages(), firstRow);
    }

    /** {hub.db, its -wal and -shm, everything else} in bytes. */
    static long[] dataDirSizes(Path dir) throws IOException {
        long[] sizes = new long[3];
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String name = f.getFileName().toString();
                int slot = name.equals("hub.db") ? 0 : name.startsWith("hub.db-") ? 1 : 2;
                try {
                    sizes[slot] += Files.size(f);
                } catch (IOException e) {
                    // a file that vanished while walking (e.g. -shm at close) adds nothing
                }
            });
        }
        return sizes;
    }

    private void report(List<ScaleResult> results, TwinScaleReport.Baseline baseline, long started, boolean last)
            throws IOException {
        if (results.isEmpty()) {
            return;
        }
        String header = String.format(Locale.ROOT, "Run of %s: %s, %d module(s) per device, %d-in-flight creates, "
                + "%.1f minutes in all%s.%n%n", Instant.now(), twins, modulesPerDevice, createInFlight,
                (System.nanoTime() - started) / 60e9, last ? "" : " so far");
        String md = TwinScaleReport.markdown(results, baseline, header);
        System.out.println();
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
        }
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    private static Path prepareDataDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("--data-dir " + dir + " is not empty; the benchmark needs a fresh hub");
                }
            }
        }
        return Files.createDirectories(dir).toAbsolutePath();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}
