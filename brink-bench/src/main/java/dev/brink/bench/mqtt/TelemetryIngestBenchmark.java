package dev.brink.bench.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3, benchmark 1: telemetry ingest. N devices publish 256-byte QoS 1 messages over TLS with a window of
 * unacknowledged PUBLISHes each; reports PUBACKs per second and PUBACK latency, for Mosquitto (the baseline,
 * started by run-mqtt.sh) and for a Brink hub in a child JVM (which acknowledges only after the events log
 * has committed the message), with the same load generator, one after the other for each N.
 */
@Command(name = "telemetry-ingest", mixinStandardHelpOptions = true,
        description = "QoS 1 telemetry over TLS: Mosquitto vs the Brink hub (durable events log).")
public final class TelemetryIngestBenchmark implements Callable<Integer> {
    @Option(names = "--work", required = true, description = "Scratch directory (hub data, logs, pid files).")
    Path work;

    @Option(names = "--out", description = "Markdown file the tables are appended to.")
    Path out;

    @Option(names = "--devices", split = ",", description = "Device counts (default: ${DEFAULT-VALUE}).")
    List<Integer> deviceCounts = List.of(1, 10, 100);

    @Option(names = "--window", description = "PUBLISHes in flight per device (default: ${DEFAULT-VALUE}).")
    int window = 50;

    @Option(names = "--payload", description = "Payload bytes (default: ${DEFAULT-VALUE}).")
    int payloadBytes = 256;

    @Option(names = "--warmup", description = "Warm-up seconds per run (default: ${DEFAULT-VALUE}).")
    double warmup = 5;

    @Option(names = "--seconds", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
    double seconds = 10;

    @Option(names = "--client-event-loops", description = "Load generator event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops = 2;

    @Mixin
    MosquittoBaseline mosquittoBaseline = new MosquittoBaseline();

    @Option(names = "--no-hub", description = "Measure only Mosquitto.")
    boolean noHub;

    @Option(names = "--thread-dump", description = "Dump the hub's threads halfway through the largest run"
            + " (jcmd Thread.print pauses the hub and starts a JVM beside it: for diagnosis, not for figures).")
    boolean threadDump;

    @Option(names = "--hub-jvm-opts", split = " ", description = "The hub JVM's options (default: none).")
    List<String> hubJvmOptions = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new TelemetryIngestBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        int maxDevices = deviceCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        List<IngestRun.Result> results = new ArrayList<>();
        HubProcess hub = noHub ? null : HubProcess.start(work, "hub-ingest", hubJvmOptions);
        try (LoadGenerator load = new LoadGenerator(eventLoops)) {
            MqttTarget hubTarget = null;
            if (hub != null) {
                hubTarget = new MqttTarget("Brink hub", "127.0.0.1", hub.mqttPort(), hub.caPem(),
                        HubDevices.create(hub, "ingest", maxDevices), hub.pid());
            }
            MqttTarget mosquitto = mosquittoBaseline.enabled() ? mosquittoBaseline.target("ingest", maxDevices) : null;
            for (int n : deviceCounts) {
                if (mosquitto != null) {
                    results.add(measure(load, mosquitto, n, null, null));
                }
                if (hubTarget != null) {
                    Path dump = threadDump && n == maxDevices ? work.resolve("hub-ingest-threads-" + n + ".txt") : null;
                    results.add(measure(load, hubTarget, n, hub, dump));
                }
            }
            report(results, hub);
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
        return 0;
    }


    private IngestRun.Result measure(LoadGenerator load, MqttTarget target, int n, HubProcess hub, Path dump)
            throws InterruptedException {
        System.err.printf("telemetry: %s, %d device(s), %.0f s warm-up + %.0f s measured%n", target.name(), n,
                warmup, seconds);
        IngestRun.Result r = IngestRun.run(load, target, n, window, payloadBytes, warmup, seconds, hub, dump);
        System.err.printf("  %.0f msg/s, p50 %s ms, p99 %s ms, errors %d, connect failures %d%n", r.perSecond(),
                LatencyRecorder.Summary.ms(r.latency().p50()), LatencyRecorder.Summary.ms(r.latency().p99()),
                r.errors(), r.connectFailures());
        return r;
    }

    private void report(List<IngestRun.Result> results, HubProcess hub) throws Exception {
        Markdown table = new Markdown("devices", "broker", "msgs/s", "PUBACK p50 ms", "p99 ms", "p99.9 ms",
                "max ms", "broker CPU (cores)", "errors");
        for (IngestRun.Result r : results) {
            table.row(r.devices(), r.broker(), Markdown.fmt("%,.0f", r.perSecond()),
                    LatencyRecorder.Summary.ms(r.latency().p50()), LatencyRecorder.Summary.ms(r.latency().p99()),
                    LatencyRecorder.Summary.ms(r.latency().p999()), LatencyRecorder.Summary.ms(r.latency().max()),
                    Markdown.fmt("%.2f", r.brokerCores()), r.errors() + r.connectFailures());
        }
        Markdown.emit(out, Markdown.fmt("#### Telemetry ingest: QoS 1 over TLS, %d-byte payloads, %d in flight per"
                + " device, %.0f s measured after %.0f s warm-up%n", payloadBytes, window, seconds, warmup) + table);
        Markdown.emit(out, ratios(results));
        if (hub != null) {
            Markdown.emit(out, evidence(results, hub));
        }
    }

    private static String ratios(List<IngestRun.Result> results) {
        Markdown table = new Markdown("devices", "Mosquitto msgs/s", "hub msgs/s", "hub / Mosquitto",
                "Mosquitto p50 / p99 ms", "hub p50 / p99 ms");
        for (IngestRun.Result m : results) {
            if (!m.broker().equals("Mosquitto")) {
                continue;
            }
            for (IngestRun.Result h : results) {
                if (h.devices() == m.devices() && !h.broker().equals("Mosquitto")) {
                    table.row(m.devices(), Markdown.fmt("%,.0f", m.perSecond()), Markdown.fmt("%,.0f", h.perSecond()),
                            Markdown.fmt("%.2f", h.perSecond() / m.perSecond()),
                            LatencyRecorder.Summary.ms(m.latency().p50()) + " / "
                                    + LatencyRecorder.Summary.ms(m.latency().p99()),
                            LatencyRecorder.Summary.ms(h.latency().p50()) + " / "
                                    + LatencyRecorder.Summary.ms(h.latency().p99()));
                }
            }
        }
        return "#### Side by side\n\n" + table;
    }

    /** The hub's busiest threads in its largest run, and the events log's row count against what was acked. */
    private String evidence(List<IngestRun.Result> results, HubProcess hub) throws Exception {
        StringBuilder sb = new StringBuilder("#### Where the hub's CPU went (largest run, measured interval)\n\n```\n");
        IngestRun.Result last = null;
        for (IngestRun.Result r : results) {
            if (!r.broker().equals("Mosquitto")) {
                last = r;
            }
        }
        if (last != null) {
            last.busiestThreads().forEach(l -> sb.append(l).append('\n'));
        }
        sb.append("```\n\n");
        long sent = results.stream().filter(r -> !r.broker().equals("Mosquitto")).mapToLong(IngestRun.Result::sentTotal)
                .sum();
        sb.append(Markdown.fmt("Events stored in the hub's events log: %,d (PUBLISHes sent to the hub, warm-up"
                + " included: %,d).%n", storedEvents(hub), sent));
        return sb.toString();
    }

    private static long storedEvents(HubProcess hub) throws Exception {
        Path db = hub.dataDir().resolve("events.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath() + "?open_mode=1");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
