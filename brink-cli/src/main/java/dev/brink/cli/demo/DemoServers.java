package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.hub.EdgeHubConfig;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The demo's two servers as child JVMs, with the defaults of {@code brink hub start} and {@code brink edge start}:
 * the hub on 127.0.0.1 (HTTPS 8443, MQTT 8883), the edge runtime with the process module runtime and its edge hub
 * on 127.0.0.2 (MQTT 8883, HTTPS 8443, metrics 9600), SQLite everywhere. The hub can be stopped and started again
 * on the same data directory (the offline episode). Every child ever started is kept, so the end of the demo can
 * check that none of them, nor any module, is still running.
 */
final class DemoServers {
    static final String DEVICE = "demo-edge";
    static final String HUB_HOST = HubConfig.DEFAULT_HOST;
    static final String EDGE_HUB_HOST = EdgeHubConfig.DEFAULT_HOST;
    private static final List<String> HUB_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final List<String> EDGE_JVM = List.of("-Xms16m", "-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final DemoLayout layout;
    private final Console console;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private ChildProcess hub;
    private ChildProcess edge;

    DemoServers(DemoLayout layout, Console console) {
        this.layout = layout;
        this.console = console;
    }

    /** Fails early, naming the port, when something (a hub started by hand?) already listens where the demo will. */
    static void requirePortsFree() {
        record Addr(String host, int port) {
        }
        List<Addr> wanted = List.of(new Addr(HUB_HOST, HubConfig.DEFAULT_HTTPS_PORT),
                new Addr(HUB_HOST, HubConfig.DEFAULT_MQTT_PORT),
                new Addr(EDGE_HUB_HOST, EdgeHubConfig.DEFAULT_MQTT_PORT),
                new Addr(EDGE_HUB_HOST, EdgeHubConfig.DEFAULT_HTTPS_PORT),
                new Addr(EDGE_HUB_HOST, EdgeHubConfig.DEFAULT_METRICS_PORT));
        for (Addr a : wanted) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(a.host()), a.port()));
            } catch (IOException e) {
                throw BrinkException.invalid(a.host() + ":" + a.port() + " is in use (" + e.getMessage()
                        + "); the demo needs the default ports: stop the hub or edge runtime using them "
                        + "(brink hub start? another demo?) and try again");
            }
        }
    }

    /** Starts the hub (again, after the offline episode) and waits until its REST port answers. */
    Duration startHub() {
        long t0 = System.nanoTime();
        hub = start("hub", HUB_JVM, List.of("hub", "start", "--data", layout.hubData().toString()));
        Path cs = layout.hubData().resolve(HubServer.CONNECTION_STRING_FILE);
        boolean up = console.await("starting the hub", START_TIMEOUT, () -> {
            failIfExited(hub);
            return Files.isRegularFile(cs) && accepts(HUB_HOST, HubConfig.DEFAULT_HTTPS_PORT)
                    && accepts(HUB_HOST, HubConfig.DEFAULT_MQTT_PORT);
        }, null);
        requireUp(up, hub);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stops the hub (SIGTERM, then its orderly shutdown); true when it ended on its own. */
    boolean stopHub() {
        return hub.stop(Duration.ofSeconds(20));
    }

    HubServiceClient service() {
        try {
            String cs = Files.readString(layout.hubData().resolve(HubServer.CONNECTION_STRING_FILE)).trim();
            return HubServiceClient.create(cs, hubCa());
        } catch (IOException e) {
            throw BrinkException.invalid("cannot read the hub's connection string: " + e.getMessage());
        }
    }

    Path hubCa() {
        return layout.hubData().resolve(HubServer.CERTS_DIR).resolve("ca.pem");
    }

    /** Creates the edge device in the hub and writes the edge runtime's config (edge.toml) for it. */
    void registerEdge() {
        JsonNode created = service().createDevice(Json.parseObject("{\"deviceId\":\"" + DEVICE
                + "\",\"capabilities\":{\"iotEdge\":true}}"));
        String key = created.at("/authentication/symmetricKey/primaryKey").asText();
        String toml = """
                # The demo's edge runtime (written by brink demo; docs/edge-config.md). Everything else is default:
                # process runtime, edge hub on 127.0.0.2 (MQTT 8883, HTTPS 8443, metrics 9600).
                connection_string = "HostName=%s;DeviceId=%s;SharedAccessKey=%s"
                data_dir = "edge"

                [hub]
                ca_file = "hub/certs/ca.pem"
                """.formatted(HUB_HOST, DEVICE, key);
        try {
            Files.writeString(layout.edgeConfig(), toml);
        } catch (IOException e) {
            throw BrinkException.invalid("cannot write " + layout.edgeConfig() + ": " + e.getMessage());
        }
    }

    /** Starts the edge runtime and waits until its management API answers. */
    Duration startEdge(EdgeWatch watch) {
        long t0 = System.nanoTime();
        edge = start("edge", EDGE_JVM, List.of("edge", "start", "--config", layout.edgeConfig().toString()));
        boolean up = console.await("starting the edge runtime", START_TIMEOUT, () -> {
            failIfExited(edge);
            return watch.reachable();
        }, null);
        requireUp(up, edge);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    Path managementSocket() {
        return EdgeConfig.load(layout.edgeConfig()).managementSocket();
    }

    /** Remembers the modules below the edge runtime, so the final check covers them even if they were re-parented. */
    void noteDescendants() {
        children.forEach(ChildProcess::noteDescendants);
    }

    /** Edge first (its modules get their grace period, their last messages reach the edge hub), then the hub. */
    void stopAll() {
        if (edge != null && edge.isAlive()) {
            long t0 = System.nanoTime();
            boolean clean = edge.stop(Duration.ofSeconds(45));
            console.line("edge runtime " + (clean ? "stopped" : "killed") + " in " + since(t0)
                    + " s (its modules with it)");
        }
        if (hub != null && hub.isAlive()) {
            long t0 = System.nanoTime();
            boolean clean = hub.stop(Duration.ofSeconds(20));
            console.line("hub " + (clean ? "stopped" : "killed") + " in " + since(t0) + " s");
        }
    }

    private static String since(long t0) {
        return DemoTour.secs(Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Emergency stop from a shutdown hook: no waiting, no ordering. */
    void killAll() {
        children.forEach(ChildProcess::kill);
    }

    /** Processes started by the demo (children and their descendants, e.g. modules) still alive. */
    List<ProcessHandle> leftovers() {
        return children.stream().flatMap(c -> c.leftovers().stream()).toList();
    }

    /** What the demo started, e.g. "2 hub runs, 1 edge runtime, 2 modules" (modules: what was seen below the edge). */
    String processSummary() {
        long hubs = children.stream().filter(c -> c.name().equals("hub")).count();
        long edges = children.size() - hubs;
        long modules = children.stream().filter(c -> c.name().equals("edge")).mapToLong(c -> c.seenCount() - 1).sum();
        return hubs + " hub run" + (hubs == 1 ? "" : "s") + ", " + edges + " edge runtime, " + modules + " module "
                + "process" + (modules == 1 ? "" : "es");
    }

    private ChildProcess start(String name, List<String> jvm, List<String> args) {
        ChildProcess child = ChildProcess.start(name, jvm, args, layout.log(name), layout.dir());
        children.add(child);
        return child;
    }

    private void failIfExited(ChildProcess child) {
        if (!child.isAlive()) {
            throw BrinkException.invalid("the " + child.name() + " exited during its start; the end of "
                    + layout.log(child.name()) + ":" + tail(layout.log(child.name()), 6));
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return "\n      " + String.join("\n      ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return " (unreadable: " + e.getMessage() + ")";
        }
    }

    private void requireUp(boolean up, ChildProcess child) {
        if (!up) {
            throw BrinkException.invalid("the " + child.name() + " did not start within " + START_TIMEOUT.toSeconds()
                    + " s (or the demo was stopped); see " + layout.log(child.name()));
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
