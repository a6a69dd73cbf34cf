package dev.brink.bench.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #4's edge benchmarks (docs/benchmarks.md, "Edge agent"): for each set of JVM flags, an edge runtime in
 * a child JVM with the process module runtime and a hub in this JVM.
 * <ul>
 *   <li><b>Deployment latency</b>: from just before {@code applyConfigurationContent} to the moment the
 *       {@code $edgeAgent} reported properties show every module {@code running} at the new version (the twin
 *       is read every {@value #POLL_MS} ms). The first deployment (identities created, package installed) is
 *       reported apart from the following ones, which each change the version of every module (all restart).</li>
 *   <li><b>Idle RSS</b> of the edge runtime JVM ({@code /proc/<pid>/status} VmRSS; the module processes are
 *       not in it) after the last deployment and an idle period, sampled once a second.</li>
 * </ul>
 */
@Command(name = "edge-benchmark", mixinStandardHelpOptions = true,
        description = "Edge agent deployment latency and idle RSS (issue #4).")
public final class EdgeBenchmark implements Callable<Integer> {
    static final long POLL_MS = 10;
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(120);

    @Option(names = "--modules", defaultValue = "10", description = "Process modules per deployment (default 10).")
    int modules;

    @Option(names = "--deployments", defaultValue = "20",
            description = "Version-changing deployments after the first (default 20).")
    int deployments;

    @Option(names = "--idle-seconds", defaultValue = "20", description = "Idle time before RSS is read (default 20).")
    int idleSeconds;

    @Option(names = "--flags", split = ";", defaultValue = " ;-Xmx64m -XX:+UseSerialGC;" + EdgeScenario.RECOMMENDED_FLAGS,
            description = "JVM flag sets to compare, ';'-separated; ' ' = JVM defaults (default: JVM defaults; "
            + "-Xmx64m -XX:+UseSerialGC; the flags docs/edge-config.md recommends).")
    List<String> flagSets;

    @Option(names = "--work", defaultValue = "brink-bench/target/edge-bench", description = "Work directory.")
    Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EdgeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = work.toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<EdgeScenario.Result> results = new ArrayList<>();
        HubServer hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0)
                .mqttPort(freePort()).build());
        try {
            HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
            Path pkg = modulePackage(dir.resolve("pkg"));
            Path ca = Files.writeString(dir.resolve("hub-ca.pem"), hub.caCertificatePem());
            for (int i = 0; i < flagSets.size(); i++) {
                EdgeScenario scenario = new EdgeScenario(hub, service, ca, pkg, dir.resolve("run-" + i), "edge-bench-" + i,
                        modules);
                results.add(scenario.run(flags(flagSets.get(i)), deployments, idleSeconds));
            }
        } finally {
            hub.close();
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        String report = report(results, loadBefore, loadAfter);
        System.out.println(report);
        Files.writeString(dir.resolve("results.md"), report);
        return 0;
    }

    private String report(List<EdgeScenario.Result> results, String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d process modules, %d version-changing deployments per flag set, "
                + "twin polled every %d ms; %d CPUs, load average before %s, after %s; %s%n%n", modules, deployments,
                POLL_MS, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                "Java " + System.getProperty("java.version")));
        md.append("| edge JVM flags | first deployment | p50 | p90 | p99 (max) | min | agent execution p50 | idle RSS "
                + "| peak RSS | threads |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (EdgeScenario.Result r : results) {
            double[] sorted = r.latenciesMs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] execution = r.executionMs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            md.append(String.format(Locale.ROOT, "| `%s` | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms "
                    + "| %.1f MiB | %.1f MiB | %d |%n", r.flags().isEmpty() ? "(JVM defaults)" : String.join(" ", r.flags()),
                    r.firstMs(), rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted.length == 0 ? 0 : sorted[0],
                    rank(execution, 50), r.idle().rssKib() / 1024.0, r.idle().peakKib() / 1024.0, r.idle().threads()));
        }
        md.append("\nEvery latency (ms), in order:\n\n");
        for (EdgeScenario.Result r : results) {
            md.append("- `").append(r.flags().isEmpty() ? "(JVM defaults)" : String.join(" ", r.flags())).append("`: ")
                    .append(r.latenciesMs().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())
                    .append("\n");
        }
        return md.toString();
    }

    /** Nearest-rank percentile. */
    static double rank(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static List<String> flags(String set) {
        return set.isBlank() ? List.of() : Arrays.asList(set.trim().split("\\s+"));
    }

    /** A .tar.gz process module: {@code exec sleep} (so SIGTERM ends it at once), like a quiet real module. */
    private static Path modulePackage(Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Files.writeString(work.resolve("brink-module.json"), "{\"entrypoint\": [\"/bin/sh\", \"run.sh\"]}");
        Files.writeString(work.resolve("run.sh"), "echo \"module $IOTEDGE_MODULEID started\"\nexec sleep 1000000\n");
        Path tar = work.resolveSibling("module.tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tar.toString(), "-C", work.toString(), "brink-module.json", "run.sh")
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("tar failed");
        }
        return tar;
    }

    static ObjectNode manifest(Path pkg, int modules, String version) {
        ObjectNode content = Json.object();
        ObjectNode desired = content.putObject("modulesContent").putObject("$edgeAgent").putObject("properties.desired");
        desired.put("schemaVersion", "1.1");
        desired.putObject("runtime").put("type", "process").putObject("settings");
        desired.putObject("systemModules").putObject("edgeAgent").put("type", "process")
                .putObject("settings").put("image", "brink-edge");
        ObjectNode mods = desired.putObject("modules");
        for (int i = 1; i <= modules; i++) {
            mods.putObject(moduleName(i)).put("version", version).put("type", "process").put("status", "running")
                    .put("restartPolicy", "always").putObject("settings").put("image", pkg.toString());
        }
        content.with("modulesContent").putObject("$edgeHub").putObject("properties.desired")
                .put("schemaVersion", "1.1").putObject("routes");
        return content;
    }

    static String moduleName(int i) {
        return String.format(Locale.ROOT, "m%02d", i);
    }

    static boolean allRunning(JsonNode reported, int modules, String version) {
        for (int i = 1; i <= modules; i++) {
            JsonNode m = reported.path("modules").path(moduleName(i));
            if (!m.path("runtimeStatus").asText().equals("running") || !m.path("version").asText().equals(version)) {
                return false;
            }
        }
        return true;
    }

    static Duration deployTimeout() {
        return DEPLOY_TIMEOUT;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
