package dev.brink.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeTomls;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The offline tests' world: a hub in-process that can be stopped and started again on the same data directory
 * and ports, an edge runtime in a child JVM ({@code EdgeMain}, so it can be SIGKILLed) with fixed edge hub ports
 * on 127.0.0.2 (a restart must listen where the module dials), and the {@link SenderModule} as a process package.
 */
final class OfflineBed implements AutoCloseable {
    static final String DEVICE = "edge1";
    static final String MODULE = "sender";
    static final String EDGE_HOST = "127.0.0.2";

    final Path dir;
    final Path ctrl;
    final int hubHttpsPort;
    final int hubMqttPort;
    final int edgeMqttPort;
    final int metricsPort;
    final String deviceKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HubServer hub;
    private HubServiceClient service;
    private Process edge;
    private int edgeStarts;
    private int commands;

    OfflineBed(Path dir) throws Exception {
        this.dir = dir;
        this.ctrl = Files.createDirectories(dir.resolve("ctrl"));
        this.hubHttpsPort = freePort(InetAddress.getLoopbackAddress());
        this.hubMqttPort = freePort(InetAddress.getLoopbackAddress());
        this.edgeMqttPort = freePort(InetAddress.getByName(EDGE_HOST));
        this.metricsPort = freePort(InetAddress.getByName(EDGE_HOST));
        startHub();
        JsonNode device = service.createDevice(Json.parseObject(
                "{\"deviceId\":\"" + DEVICE + "\",\"capabilities\":{\"iotEdge\":true}}"));
        this.deviceKey = device.at("/authentication/symmetricKey/primaryKey").asText();
    }

    // ---- hub

    void startHub() {
        hub = startHub(hubHttpsPort, hubMqttPort);
        service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
    }

    /** A hub on the same data directory; other ports make it unreachable for the edge (see the offline test). */
    HubServer startHub(int httpsPort, int mqttPort) {
        return HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(httpsPort)
                .mqttPort(mqttPort).build());
    }

    void stopHub() {
        if (hub != null) {
            hub.close();
            hub = null;
            service = null;
        }
    }

    HubServiceClient service() {
        return service;
    }

    // ---- edge runtime

    /** Writes edge.toml (once) and starts {@code EdgeMain} in a child JVM; its output goes to {@code edge-<n>.log}. */
    void startEdge() throws IOException {
        Path toml = dir.resolve("edge.toml");
        if (!Files.exists(toml)) {
            EdgeTomls.write(dir, hub.hostName(), hubMqttPort, hubHttpsPort, hub.caCertificatePem(), DEVICE, deviceKey,
                    EdgeTomls.edgeHub(EDGE_HOST, edgeMqttPort, metricsPort) + """
                    [runtime]
                    type = "process"
                    """ + EdgeTomls.restart("1s", "4s"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        edgeStarts++;
        edge = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.brink.edge.EdgeMain", "--config", toml.toString())
                .redirectErrorStream(true).redirectOutput(edgeLog(edgeStarts).toFile()).start();
    }

    Path edgeLog(int n) {
        return dir.resolve("edge-" + n + ".log");
    }

    String edgeLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= edgeStarts; i++) {
            all.append(Files.readString(edgeLog(i)));
        }
        return all.toString();
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void killEdge() throws InterruptedException {
        edge.destroyForcibly();
        assertThat(edge.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A graceful stop (SIGTERM), then whatever module instance is left is killed. */
    void stopEdge() throws InterruptedException {
        if (edge != null && edge.isAlive()) {
            edge.destroy();
            if (!edge.waitFor(60, TimeUnit.SECONDS)) {
                edge.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- deployment and module

    /** The sender module and {@code $edgeHub} with one route to {@code $upstream} and {@code storeAndForward}. */
    void deploy(ObjectNode storeAndForward, int opTimeoutSecs) throws Exception {
        Path pkg = modulePackage();
        ObjectNode content = Json.object();
        ObjectNode modulesContent = content.putObject("modulesContent");
        ObjectNode agent = modulesContent.putObject("$edgeAgent").putObject("properties.desired");
        agent.put("schemaVersion", "1.1");
        agent.putObject("runtime").put("type", "process").putObject("settings");
        agent.putObject("systemModules").putObject("edgeAgent").put("type", "process")
                .putObject("settings").put("image", "brink-edge");
        ObjectNode m = agent.putObject("modules").putObject(MODULE).put("version", "1.0").put("type", "process")
                .put("status", "running").put("restartPolicy", "always");
        ObjectNode env = m.putObject("env");
        env.putObject("CTRL_DIR").put("value", ctrl.toString());
        env.putObject("EDGE_MQTT_PORT").put("value", Integer.toString(edgeMqttPort));
        env.putObject("OP_TIMEOUT_S").put("value", Integer.toString(opTimeoutSecs));
        m.putObject("settings").put("image", pkg.toString());
        ObjectNode edgeHub = modulesContent.putObject("$edgeHub").putObject("properties.desired");
        edgeHub.put("schemaVersion", "1.1");
        edgeHub.putObject("routes").put("up", "FROM /messages/modules/" + MODULE + "/* INTO $upstream");
        edgeHub.set("storeAndForwardConfiguration", storeAndForward);
        service.applyConfigurationContent(DEVICE, content);
    }

    /** The package runs this JVM's java with the test classpath: {@link SenderModule}. */
    private Path modulePackage() throws Exception {
        return EdgeDeployments.javaModulePackage(dir, "sender", List.of("-Xmx128m"), SenderModule.class, Map.of());
    }

    /** Lines of {@code connected.log} saying an instance opened its client. */
    long moduleOpens() throws IOException {
        Path log = ctrl.resolve("connected.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.endsWith(" OPENED")).count() : 0;
    }

    /** Gives the module a command and waits for its result (see {@link SenderModule}). */
    String command(String verbAndArgs, Duration timeout) throws IOException {
        String id = Integer.toString(++commands);
        Path tmp = ctrl.resolve("command.tmp");
        Files.writeString(tmp, id + " " + verbAndArgs);
        Files.move(tmp, ctrl.resolve("command"), StandardCopyOption.ATOMIC_MOVE);
        Path done = ctrl.resolve("done-" + id);
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(done));
        return Files.readString(done).trim();
    }

    static String field(String result, String name) {
        for (String part : result.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + result);
    }

    String desiredLog() throws IOException {
        Path log = ctrl.resolve("desired.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    // ---- metrics

    /** Sum of the edge hub's Prometheus samples named {@code name} whose labels contain {@code labelPart}. */
    double metric(String name, String labelPart) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + EDGE_HOST + ":" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelPart)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    long messagesDbBytes() throws IOException {
        long total = 0;
        for (String f : new String[] {"messages.db", "messages.db-wal", "messages.db-shm"}) {
            Path p = dir.resolve("edge-data").resolve("edgehub").resolve(f);
            total += Files.exists(p) ? Files.size(p) : 0;
        }
        return total;
    }

    @Override
    public void close() throws Exception {
        try {
            stopEdge();
        } finally {
            stopHub();
            killModuleInstances();
        }
    }

    /** Test hygiene: no module JVM outlives the test (the edge kills orphans, but not if it was never restarted). */
    private void killModuleInstances() throws IOException {
        Path log = ctrl.resolve("connected.log");
        if (!Files.exists(log)) {
            return;
        }
        for (String line : Files.readAllLines(log)) {
            String pid = line.split(" ")[0];
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }
}
