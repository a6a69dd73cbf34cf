package dev.brink.bench.mqtt;

import dev.brink.bench.edge.EdgeScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 5's edge hub benchmarks (docs/benchmarks.md, "Edge hub"), run by {@code brink-bench/run-edge-hub.sh}:
 * <ol>
 *   <li><b>routed</b>: module → module through a route and the durable store, closed loop with N messages
 *       published and not yet delivered; throughput and publish → delivery latency; interleaved round by round
 *       with Mosquitto doing QoS 1 publish → subscribe with the same load generator.</li>
 *   <li><b>drain</b>: the hub stopped, the producer fills the store through the edge hub; the hub started → time
 *       until the {@code $upstream} queue is empty; messages.db (+ WAL, shm) at peak and after.</li>
 *   <li><b>rss</b>: a fresh edge runtime per JVM flag set under a paced routed load; VmRSS and RssAnon.</li>
 * </ol>
 * The hub runs in this JVM, every edge runtime in a child JVM of its own.
 */
@Command(name = "edge-hub-benchmark", mixinStandardHelpOptions = true,
        description = "Edge hub: routed throughput vs Mosquitto, offline drain, RSS under load (issue 5).")
public final class EdgeHubBenchmark implements Callable<Integer> {
    @Option(names = "--work", required = true, description = "Scratch directory (deleted first).")
    Path work;

    @Option(names = "--out", description = "Markdown file the tables are appended to.")
    Path out;

    @Option(names = "--only", split = ",", description = "Benchmarks to run: routed,drain,rss (default: all).")
    Set<String> only = Set.of("routed", "drain", "rss");

    @Option(names = "--windows", split = ",", description = "Messages in flight, routed (default: ${DEFAULT-VALUE}).")
    List<Integer> windows = List.of(10, 100, 1000);

    @Option(names = "--rounds", description = "Interleaved Mosquitto/Brink rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 2;

    @Option(names = "--payload", description = "Routed payload bytes (default: ${DEFAULT-VALUE}).")
    int payloadBytes = 256;

    @Option(names = "--warmup", description = "Warm-up seconds per routed run (default: ${DEFAULT-VALUE}).")
    double warmup = 15;

    @Option(names = "--seconds", description = "Measured seconds per routed run (default: ${DEFAULT-VALUE}).")
    double seconds = 10;

    @Option(names = "--edge-flags", description = "JVM flags of the routed/drain edge runtime (default: none).")
    String edgeFlags = "";

    @Option(names = "--drain-messages", description = "Messages queued offline (default: ${DEFAULT-VALUE}).")
    long drainMessages = 1_000_000;

    @Option(names = "--drain-payload", description = "Drain payload bytes (default: ${DEFAULT-VALUE}).")
    int drainPayload = 1024;

    @Option(names = "--drain-window", description = "Unacknowledged PUBLISHes while filling (default: ${DEFAULT-VALUE}).")
    int drainWindow = 200;

    @Option(names = "--drain-timeout", description = "Seconds for filling, and again for draining (default: ${DEFAULT-VALUE}).")
    long drainTimeout = 1800;

    @Option(names = "--rss-rate", description = "Routed msg/s for the RSS benchmark (default: ${DEFAULT-VALUE}).")
    int rssRate = 5000;

    @Option(names = "--rss-seconds", description = "Measured seconds of the RSS benchmark (default: ${DEFAULT-VALUE}).")
    double rssSeconds = 60;

    @Option(names = "--rss-flags", split = ";", description = "Edge JVM flag sets for the RSS benchmark, ';'-separated;"
            + " ' ' = JVM defaults (default: JVM defaults; the flags docs/edge-config.md recommends).")
    List<String> rssFlags = List.of(" ", EdgeScenario.RECOMMENDED_FLAGS);

    @Option(names = "--client-event-loops", description = "Load generator event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops = 2;

    @Mixin
    MosquittoBaseline mosquitto = new MosquittoBaseline();

    public static void main(String[] args) {
        System.exit(new CommandLine(new EdgeHubBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = work.toAbsolutePath();
        Files.createDirectories(dir);
        Markdown.emit(out, Markdown.fmt("### Edge hub run: %d CPUs, load average at start %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(), RoutedPair.loadAverage(), System.getProperty("java.version")));
        long maxStore = Math.max(1L << 30, drainMessages * (drainPayload + 600) * 2);
        try (EdgeHubRig rig = EdgeHubRig.create(dir, maxStore); LoadGenerator load = new LoadGenerator(eventLoops)) {
            if (only.contains("routed")) {
                routed(rig, load);
            }
            if (only.contains("drain")) {
                new DrainBenchmark(rig, load, out).run(flags(edgeFlags), drainMessages, drainPayload, drainWindow,
                        drainTimeout);
            }
            if (only.contains("rss")) {
                rss(rig, load);
            }
        }
        return 0;
    }

    private void routed(EdgeHubRig rig, LoadGenerator load) throws Exception {
        List<RoutedPair.Result> results = new ArrayList<>();
        EdgeHubRig.Edge edge = rig.startEdge("routed", flags(edgeFlags));
        double unwritten = -1;
        try {
            RoutedPair.Endpoints brink = rig.endpoints(edge, EdgeHubRig.ROUTED_OUTPUT);
            RoutedPair.Endpoints baseline = mosquitto.enabled() ? mosquittoEndpoints() : null;
            for (int round = 1; round <= rounds; round++) {
                for (int window : windows) {
                    if (baseline != null) {
                        results.add(routedRun(load, baseline, window));
                    }
                    results.add(routedRun(load, brink, window));
                }
            }
            unwritten = rig.metric(edge, "edgehub_store_unwritten_entries_total", "");
        } finally {
            edge.child().close();
        }
        long deliveredByEdge = results.stream().filter(r -> !r.broker().equals("Mosquitto"))
                .mapToLong(RoutedPair.Result::received).sum();
        Markdown table = new Markdown("in flight", "broker", "delivered msgs/s", "p50 ms", "p99 ms", "max ms",
                "broker CPU (cores)", "sent / received / dup / missing / errors", "load avg (1/5/15 min)");
        for (RoutedPair.Result r : results) {
            table.row(r.mode(), r.broker(), Markdown.fmt("%,.0f", r.perSecond()),
                    LatencyRecorder.Summary.ms(r.latency().p50()), LatencyRecorder.Summary.ms(r.latency().p99()),
                    LatencyRecorder.Summary.ms(r.latency().max()), Markdown.fmt("%.2f", r.brokerCores()),
                    r.sent() + " / " + r.received() + " / " + r.duplicates() + " / " + r.missing() + " / " + r.errors(),
                    r.load());
        }
        Markdown.emit(out, Markdown.fmt("#### 1. Module → module routed, QoS 1 over TLS, %d-byte payloads, %.0f s"
                + " measured after %.0f s warm-up (runs in the order they ran)%n", payloadBytes, seconds, warmup) + table);
        Markdown ratios = new Markdown("in flight", "Mosquitto msgs/s (mean of rounds)", "edge hub msgs/s",
                "edge hub / Mosquitto", "Mosquitto p50 / p99 ms (last round)", "edge hub p50 / p99 ms (last round)");
        for (int window : windows) {
            String mode = "closed loop, " + window + " in flight";
            List<RoutedPair.Result> m = results.stream().filter(r -> r.mode().equals(mode) && r.broker().equals("Mosquitto")).toList();
            List<RoutedPair.Result> b = results.stream().filter(r -> r.mode().equals(mode) && !r.broker().equals("Mosquitto")).toList();
            if (m.isEmpty() || b.isEmpty()) {
                continue;
            }
            double mr = m.stream().mapToDouble(RoutedPair.Result::perSecond).average().orElse(0);
            double br = b.stream().mapToDouble(RoutedPair.Result::perSecond).average().orElse(0);
            RoutedPair.Result ml = m.get(m.size() - 1);
            RoutedPair.Result bl = b.get(b.size() - 1);
            ratios.row(window, Markdown.fmt("%,.0f", mr), Markdown.fmt("%,.0f", br), Markdown.fmt("%.2f", br / mr),
                    LatencyRecorder.Summary.ms(ml.latency().p50()) + " / " + LatencyRecorder.Summary.ms(ml.latency().p99()),
                    LatencyRecorder.Summary.ms(bl.latency().p50()) + " / " + LatencyRecorder.Summary.ms(bl.latency().p99()));
        }
        Markdown.emit(out, "#### Side by side\n\n" + ratios);
        Markdown.emit(out, Markdown.fmt("Module-input entries the edge hub never wrote (delivered and acknowledged before"
                + " their write; edgehub_store_unwritten_entries_total): %,.0f of %,d routed messages received.%n",
                unwritten, deliveredByEdge));
        results.stream().filter(r -> !r.broker().equals("Mosquitto")).reduce((a, b) -> b).ifPresent(r -> Markdown.emit(
                out, "Edge runtime's busiest threads in the last edge hub run (" + r.mode() + "):\n\n```\n"
                        + String.join("\n", r.busiestThreads()) + "\n```\n"));
    }

    private RoutedPair.Result routedRun(LoadGenerator load, RoutedPair.Endpoints ep, int window) throws Exception {
        System.err.printf("routed: %s, %d in flight%n", ep.name(), window);
        try (RoutedPair pair = RoutedPair.connect(load, ep, window * 4 + 100)) {
            RoutedPair.Result r = pair.closedLoop(window, payloadBytes, warmup, seconds);
            System.err.printf("  %.0f msg/s, p50 %s ms, p99 %s ms, missing %d, dup %d, errors %d, load %s%n",
                    r.perSecond(), LatencyRecorder.Summary.ms(r.latency().p50()),
                    LatencyRecorder.Summary.ms(r.latency().p99()), r.missing(), r.duplicates(), r.errors(), r.load());
            return r;
        }
    }

    /** Mosquitto: the same two client ids and the producer's topic; the consumer subscribes to that topic. */
    private RoutedPair.Endpoints mosquittoEndpoints() {
        String topic = EdgeHubRig.outputTopic("producer", EdgeHubRig.ROUTED_OUTPUT);
        DeviceLogin producer = new DeviceLogin("producer", "bench-producer", "bench", "bench", topic);
        DeviceLogin consumer = new DeviceLogin("consumer", "bench-consumer", "bench", "bench", topic);
        return new RoutedPair.Endpoints("Mosquitto", "127.0.0.1", mosquitto.port, mosquitto.caPem, producer, consumer,
                topic, mosquitto.pid);
    }

    private void rss(EdgeHubRig rig, LoadGenerator load) throws Exception {
        Markdown table = new Markdown("edge JVM flags", "delivered msgs/s (target " + rssRate + ")", "p50 / p99 ms",
                "VmRSS max MiB", "VmRSS end MiB", "RssAnon max MiB", "VmHWM MiB", "threads", "edge CPU (cores)",
                "missing / dup", "load avg");
        for (int i = 0; i < rssFlags.size(); i++) {
            List<String> flags = flags(rssFlags.get(i));
            System.err.println("rss: edge runtime with flags " + flags);
            EdgeHubRig.Edge edge = rig.startEdge("rss-" + i, flags);
            RssSamples samples = new RssSamples(edge.child().pid());
            try (RoutedPair pair = RoutedPair.connect(load, rig.endpoints(edge, EdgeHubRig.ROUTED_OUTPUT), 20_000)) {
                RoutedPair.Result r = pair.paced(rssRate, payloadBytes, 5, rssSeconds, 10_000, samples::sample);
                samples.sample();
                System.err.printf("  %.0f msg/s delivered, VmRSS max %.1f MiB, RssAnon max %.1f MiB%n", r.perSecond(),
                        samples.maxRss / 1024.0, samples.maxAnon / 1024.0);
                table.row(flags.isEmpty() ? "JVM defaults" : "`" + String.join(" ", flags) + "`",
                        Markdown.fmt("%,.0f", r.perSecond()), LatencyRecorder.Summary.ms(r.latency().p50()) + " / "
                                + LatencyRecorder.Summary.ms(r.latency().p99()),
                        Markdown.fmt("%.1f", samples.maxRss / 1024.0), Markdown.fmt("%.1f", samples.lastRss / 1024.0),
                        Markdown.fmt("%.1f", samples.maxAnon / 1024.0), Markdown.fmt("%.1f", samples.hwm / 1024.0),
                        samples.threads, Markdown.fmt("%.2f", r.brokerCores()), r.missing() + " / " + r.duplicates(),
                        r.load());
            } finally {
                edge.child().close();
            }
        }
        Markdown.emit(out, Markdown.fmt("#### 3. Edge runtime RSS under %,d routed msg/s (%d-byte payloads), sampled"
                + " every second for %.0f s after a 5 s warm-up%n", rssRate, payloadBytes, rssSeconds) + table);
    }

    /** VmRSS, RssAnon, VmHWM and Threads from /proc/<pid>/status; maxima over the samples. */
    private static final class RssSamples {
        private final Path status;
        long maxRss;
        long lastRss;
        long maxAnon;
        long hwm;
        long threads;

        RssSamples(long pid) {
            this.status = Path.of("/proc", Long.toString(pid), "status");
        }

        void sample() {
            try {
                for (String line : Files.readAllLines(status)) {
                    long v = line.matches("^(VmRSS|RssAnon|VmHWM|Threads):.*") ? Long.parseLong(line.replaceAll("[^0-9]", "")) : -1;
                    if (line.startsWith("VmRSS:")) {
                        lastRss = v;
                        maxRss = Math.max(maxRss, v);
                    } else if (line.startsWith("RssAnon:")) {
                        maxAnon = Math.max(maxAnon, v);
                    } else if (line.startsWith("VmHWM:")) {
                        hwm = v;
                    } else if (line.startsWith("Threads:")) {
                        threads = v;
                    }
                }
            } catch (java.io.IOException e) {
                System.err.println("cannot read " + status + ": " + e);
            }
        }
    }

    static List<String> flags(String flags) {
        return flags == null || flags.isBlank() ? List.of() : Arrays.asList(flags.trim().split("\\s+"));
    }
}
