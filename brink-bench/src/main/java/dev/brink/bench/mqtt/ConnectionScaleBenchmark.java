package dev.brink.bench.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3, benchmark 3: many concurrent device connections. A hub in a child JVM (fresh, so its RSS is only
 * this); {@code --connections} devices are registered through REST, connect over TLS with SAS tokens at a
 * bounded rate and stay connected for {@code --hold} seconds while the hub's VmRSS is sampled. The same
 * number of connections to Mosquitto (when given) is the baseline.
 */
@Command(name = "connection-scale", mixinStandardHelpOptions = true,
        description = "Holds many TLS device connections; reports the broker's RSS.")
public final class ConnectionScaleBenchmark implements Callable<Integer> {
    @Option(names = "--work", required = true, description = "Scratch directory (hub data, logs, pid files).")
    Path work;

    @Option(names = "--out", description = "Markdown file the tables are appended to.")
    Path out;

    @Option(names = "--connections", description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections = 10_000;

    @Option(names = "--rate", description = "CONNECTs per second (default: ${DEFAULT-VALUE}).")
    int rate = 500;

    @Option(names = "--pending", description = "Handshakes in progress at most (default: ${DEFAULT-VALUE}).")
    int pending = 100;

    @Option(names = "--hold", description = "Seconds to hold all connections (default: ${DEFAULT-VALUE}).")
    int hold = 15;

    @Option(names = "--client-event-loops", description = "Load generator event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops = 4;

    @Option(names = "--persistent", description = "CleanSession=0 (default: CleanSession=1).")
    boolean persistent;

    @Mixin
    MosquittoBaseline mosquitto = new MosquittoBaseline();

    @Option(names = "--hub-jvm-opts", split = " ", description = "The hub JVM's options (default: none).")
    List<String> hubJvmOptions = new ArrayList<>();

    /** One broker's outcome; RSS in KiB. */
    record Result(String broker, int held, int failed, int retries, double connectSeconds, long rssBefore,
            long rssMax, long rssEnd, int stillConnected) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConnectionScaleBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        List<Result> results = new ArrayList<>();
        if (mosquitto.enabled()) { // the baseline first: the hub's slower connection phase cannot crowd it out
            results.add(measure(mosquitto.target("scale", connections), null));
        }
        String registryNote;
        try (HubProcess hub = HubProcess.start(work, "hub-scale", hubJvmOptions)) {
            long idle = ProcStats.rssKib(hub.pid());
            long t0 = System.nanoTime();
            List<DeviceLogin> logins = HubDevices.create(hub, "scale", connections);
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            registryNote = Markdown.fmt("Hub RSS when started: %,d MiB; after registering %,d devices through REST"
                    + " (%.1f s, %,.0f devices/s): %,d MiB.", idle / 1024, connections, createSeconds,
                    connections / createSeconds, ProcStats.rssKib(hub.pid()) / 1024);
            System.err.println(registryNote);
            results.add(measure(new MqttTarget("Brink hub", "127.0.0.1", hub.mqttPort(), hub.caPem(), logins,
                    hub.pid()), hub));
        }
        report(results, registryNote);
        return 0;
    }

    /** @param hub when not null, its threads are dumped halfway through the connection phase */
    private Result measure(MqttTarget target, HubProcess hub) throws InterruptedException {
        System.err.printf("connections: %s, %,d at %d/s (CleanSession=%d)%n", target.name(), connections, rate,
                persistent ? 0 : 1);
        try (LoadGenerator load = new LoadGenerator(eventLoops)) {
            long before = ProcStats.rssKib(target.pid());
            if (hub != null) {
                dumpLater(hub, connections / 2.0 / rate);
            }
            LoadGenerator.ConnectResult c = load.connectAll(target, !persistent, 10, rate, pending);
            System.err.printf("  %,d connected in %.1f s, %d failed (first: %s), %d retried%n", c.connected().size(),
                    c.seconds(), c.failed(), c.firstFailure(), load.retries());
            if (load.retries() > 0) {
                System.err.println("  first retried attempt failed with " + load.firstRetryCause());
            }
            long max = 0;
            for (int s = 0; s < hold; s++) {
                max = Math.max(max, ProcStats.rssKib(target.pid()));
                Thread.sleep(1000);
            }
            long end = ProcStats.rssKib(target.pid());
            max = Math.max(max, end);
            int still = (int) c.connected().stream().filter(x -> x.client().isConnected()).count();
            System.err.printf("  RSS %,d MiB (max %,d MiB), %,d still connected%n", end / 1024, max / 1024, still);
            LoadGenerator.disconnectAll(c.connected());
            return new Result(target.name(), c.connected().size(), c.failed(), load.retries(), c.seconds(), before,
                    max, end, still);
        }
    }

    private void dumpLater(HubProcess hub, double seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep((long) (seconds * 1000));
                hub.threadDump(work.resolve("hub-scale-threads-connecting.txt"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hub-thread-dump");
        t.setDaemon(true);
        t.start();
    }

    private void report(List<Result> results, String registryNote) {
        Markdown table = new Markdown("broker", "connections held", "failed", "retried", "connect time s",
                "connections/s",
                "RSS before MiB", "RSS held MiB (max)", "KiB per connection", "still connected after hold");
        for (Result r : results) {
            table.row(r.broker(), Markdown.fmt("%,d", r.held()), r.failed(), r.retries(),
                    Markdown.fmt("%.1f", r.connectSeconds()), Markdown.fmt("%.0f", r.held() / r.connectSeconds()),
                    Markdown.fmt("%,d", r.rssBefore() / 1024),
                    Markdown.fmt("%,d", r.rssMax() / 1024),
                    Markdown.fmt("%.1f", r.held() == 0 ? 0.0 : (r.rssMax() - r.rssBefore()) / (double) r.held()),
                    Markdown.fmt("%,d", r.stillConnected()));
        }
        Markdown.emit(out, Markdown.fmt("#### Concurrent connections: %,d TLS devices, CleanSession=%d, %d CONNECTs/s,"
                + " held %d s; hub JVM options: %s%n%n", connections, persistent ? 0 : 1, rate, hold,
                hubJvmOptions.isEmpty() ? "none (JVM defaults)" : String.join(" ", hubJvmOptions)) + table + "\n"
                + registryNote + "\n");
    }
}
