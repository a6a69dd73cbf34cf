package dev.brink.bench.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One flag set: a fresh edge device and data dir, an edge runtime child JVM, deployments, then idle RSS. */
public final class EdgeScenario {
    /**
     * What docs/edge-config.md recommends for production: a small heap that starts at 16 MiB and gives memory
     * back after a collection (the serial collector honours the free ratios; one GC thread, no concurrent-GC
     * structures), C1 only (the runtime is idle nearly always; C2's arenas and code cache cost more than they
     * earn) and bounded code cache and metaspace.
     */
    public static final String RECOMMENDED_FLAGS = "-Xms16m -Xmx64m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 "
            + "-XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m";

    private final HubServer hub;
    private final HubServiceClient service;
    private final Path hubCa;
    private final Path pkg;
    private final Path dir;
    private final String deviceId;
    private final int modules;

    /**
     * @param executionMs per version-changing deployment, from the agent's first module step to the last module
     *                    running, read from the edge runtime's log (ms timestamps): the agent's own share
     */
    record Result(List<String> flags, double firstMs, List<Double> latenciesMs, List<Double> executionMs,
                  EdgeChild.Status idle) {
    }

    EdgeScenario(HubServer hub, HubServiceClient service, Path hubCa, Path pkg, Path dir, String deviceId,
                 int modules) {
        this.hub = hub;
        this.service = service;
        this.hubCa = hubCa;
        this.pkg = pkg;
        this.dir = dir;
        this.deviceId = deviceId;
        this.modules = modules;
    }

    Result run(List<String> flags, int deployments, int idleSeconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String key = service.createDevice(Json.parseObject("{\"deviceId\":\"" + deviceId
                + "\",\"capabilities\":{\"iotEdge\":true}}")).at("/authentication/symmetricKey/primaryKey").asText();
        Path toml = Files.writeString(dir.resolve("edge.toml"), """
                connection_string = "HostName=%s:%d;DeviceId=%s;SharedAccessKey=%s"
                data_dir = "data"
                [hub]
                https_port = %d
                ca_file = "%s"
                """.formatted(hub.hostName(), hub.config().mqttPort(), deviceId, key, hub.httpsPort(), hubCa));
        System.err.println("edge runtime with flags " + flags + " (" + dir + ")");
        try (EdgeChild edge = EdgeChild.start(flags, toml, dir.resolve("edge.log"))) {
            edge.awaitLog("connected to the hub as $edgeAgent", Duration.ofSeconds(120));
            double first = deploy("1");
            System.err.printf(Locale.ROOT, "  first deployment: %.0f ms%n", first);
            List<Double> latencies = new ArrayList<>();
            for (int v = 2; v <= deployments + 1; v++) {
                Thread.sleep(1000); // let the previous deployment's report and restarts settle
                latencies.add(deploy(Integer.toString(v)));
                System.err.printf(Locale.ROOT, "  deployment %d: %.0f ms%n", v, latencies.get(latencies.size() - 1));
            }
            EdgeChild.Status idle = idle(edge, idleSeconds);
            return new Result(flags, first, latencies, executionTimes(deployments), idle);
        }
    }

    /** Applies version {@code version} of every module and waits until all report running at it; ms. */
    private double deploy(String version) throws InterruptedException {
        long start = System.nanoTime();
        service.applyConfigurationContent(deviceId, EdgeBenchmark.manifest(pkg, modules, version));
        long deadline = start + EdgeBenchmark.deployTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode reported = service.getTwin(deviceId, "$edgeAgent").at("/properties/reported");
            if (EdgeBenchmark.allRunning(reported, modules, version)) {
                return (System.nanoTime() - start) / 1e6;
            }
            Thread.sleep(EdgeBenchmark.POLL_MS);
        }
        throw new IllegalStateException("deployment " + version + " not running within "
                + EdgeBenchmark.deployTimeout() + "; see " + dir.resolve("edge.log"));
    }

    private List<Double> executionTimes(int deployments) throws IOException {
        List<String> log = Files.readAllLines(dir.resolve("edge.log"));
        String last = EdgeBenchmark.moduleName(modules);
        List<Double> times = new ArrayList<>();
        for (int v = 2; v <= deployments + 1; v++) {
            String first = "module " + EdgeBenchmark.moduleName(1) + ": updating (version " + (v - 1) + " -> " + v + ")";
            int from = indexOf(log, first, 0);
            int to = from < 0 ? -1 : indexOf(log, "module " + last + ": STARTING -> RUNNING", from);
            if (to >= 0) {
                try {
                    times.add((double) Duration.between(LocalTime.parse(log.get(from).substring(0, 12)),
                            LocalTime.parse(log.get(to).substring(0, 12))).toMillis());
                } catch (RuntimeException e) {
                    return List.of(); // another log pattern: no breakdown rather than no result
                }
            }
        }
        return times;
    }

    private static int indexOf(List<String> lines, String text, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /** Waits {@code idleSeconds}, then samples 10 times a second apart; returns the largest RSS seen. */
    private static EdgeChild.Status idle(EdgeChild edge, int idleSeconds) throws IOException, InterruptedException {
        Thread.sleep(idleSeconds * 1000L);
        EdgeChild.Status max = edge.status();
        for (int i = 0; i < 9; i++) {
            Thread.sleep(1000);
            EdgeChild.Status s = edge.status();
            if (s.rssKib() > max.rssKib()) {
                max = s;
            }
        }
        System.err.printf(Locale.ROOT, "  idle RSS %.1f MiB (peak %.1f MiB, %d threads)%n", max.rssKib() / 1024.0,
                max.peakKib() / 1024.0, max.threads());
        return max;
    }
}
