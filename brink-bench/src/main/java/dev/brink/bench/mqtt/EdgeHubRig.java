package dev.brink.bench.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.bench.edge.EdgeChild;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The edge hub benchmark's set-up: a hub in this JVM (fixed ports and data dir, so it can be stopped and started
 * again for the offline drain), one edge device with two module identities made through the hub's REST API
 * ({@code producer}, {@code consumer}; hub-generated keys, which the edge hub's scope cache syncs at start), the
 * {@code $edgeHub} routes, and edge runtimes in child JVMs ({@code EdgeMain}, process runtime, no modules deployed)
 * whose edge hub listens on 127.0.0.2 with ports chosen here. Modules connect with SAS tokens signed with their
 * own keys, exactly as the SDK does with a connection string.
 */
final class EdgeHubRig implements AutoCloseable {
    static final String EDGE = "bench-edge";
    static final String EDGE_HUB_HOST = "127.0.0.2";
    static final String ROUTED_OUTPUT = "out";
    static final String UPSTREAM_OUTPUT = "up";
    private static final String API = "2020-09-30";

    private final Path dir;
    private final HubConfig hubConfig;
    private HubServer hub;
    private final String producerKey;
    private final String consumerKey;
    private final String edgeKey;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One edge runtime: its child JVM, data dir and ports. */
    record Edge(EdgeChild child, Path dataDir, int mqttPort, int metricsPort) {
        Path caPem() {
            return dataDir.resolve("ca").resolve("edge-ca.pem");
        }

        Path edgeHubDir() {
            return dataDir.resolve("edgehub");
        }
    }

    private EdgeHubRig(Path dir, HubConfig hubConfig, HubServer hub, String edgeKey, String producerKey,
            String consumerKey) {
        this.dir = dir;
        this.hubConfig = hubConfig;
        this.hub = hub;
        this.edgeKey = edgeKey;
        this.producerKey = producerKey;
        this.consumerKey = consumerKey;
    }

    /** Starts the hub, registers the edge device and its two modules and applies the routes. */
    static EdgeHubRig create(Path dir, long maxStoreBytes) throws IOException {
        HubConfig config = HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(freePort("127.0.0.1"))
                .mqttPort(freePort("127.0.0.1")).eventsMaxBytes(16L << 30).build();
        HubServer hub = HubServer.start(config);
        try {
            HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
            String edgeKey = key(service.createDevice(Json.parseObject("{\"deviceId\":\"" + EDGE
                    + "\",\"capabilities\":{\"iotEdge\":true}}")));
            String producer = key(service.createModule(EDGE, "producer", null));
            String consumer = key(service.createModule(EDGE, "consumer", null));
            service.applyConfigurationContent(EDGE, configuration(maxStoreBytes));
            Files.writeString(dir.resolve("hub-ca.pem"), hub.caCertificatePem());
            return new EdgeHubRig(dir, config, hub, edgeKey, producer, consumer);
        } catch (RuntimeException | IOException e) {
            hub.close();
            throw e;
        }
    }

    /**
     * Routes: {@code out} → the consumer's input {@code in} (benchmarks 1 and 3), {@code up} → {@code $upstream}
     * (benchmark 2). No modules are deployed: the two modules are driven by the load generator.
     */
    static ObjectNode configuration(long maxStoreBytes) {
        ObjectNode content = Json.object();
        ObjectNode modules = content.putObject("modulesContent");
        ObjectNode agent = modules.putObject("$edgeAgent").putObject("properties.desired");
        agent.put("schemaVersion", "1.1");
        agent.putObject("runtime").put("type", "process").putObject("settings");
        agent.putObject("systemModules").putObject("edgeAgent").put("type", "process")
                .putObject("settings").put("image", "brink-edge");
        agent.putObject("modules");
        ObjectNode edgeHub = modules.putObject("$edgeHub").putObject("properties.desired");
        edgeHub.put("schemaVersion", "1.1");
        ObjectNode routes = edgeHub.putObject("routes");
        routes.put("toConsumer", "FROM /messages/modules/producer/outputs/" + ROUTED_OUTPUT
                + " INTO BrokeredEndpoint(\"/modules/consumer/inputs/in\")");
        routes.put("toHub", "FROM /messages/modules/producer/outputs/" + UPSTREAM_OUTPUT + " INTO $upstream");
        edgeHub.putObject("storeAndForwardConfiguration").put("timeToLiveSecs", 7200)
                .put("maxStoreSizeBytes", maxStoreBytes);
        return content;
    }

    /** An edge runtime in a child JVM with a fresh data dir {@code <dir>/<name>}; returns once its edge hub runs. */
    Edge startEdge(String name, List<String> jvmFlags) throws IOException, InterruptedException {
        Path data = dir.resolve(name);
        Files.createDirectories(data);
        int mqtt = freePort(EDGE_HUB_HOST);
        int https = freePort(EDGE_HUB_HOST);
        int metrics = freePort(EDGE_HUB_HOST);
        Path toml = Files.writeString(data.resolve("edge.toml"), """
                connection_string = "HostName=%s:%d;DeviceId=%s;SharedAccessKey=%s"
                data_dir = "data"
                log_level = "info"
                [hub]
                https_port = %d
                ca_file = "%s"
                [edge_hub]
                host = "%s"
                mqtt_port = %d
                https_port = %d
                metrics_port = %d
                """.formatted(hub.hostName(), hubConfig.mqttPort(), EDGE, edgeKey, hub.httpsPort(),
                dir.resolve("hub-ca.pem"), EDGE_HUB_HOST, mqtt, https, metrics));
        EdgeChild child = EdgeChild.start(jvmFlags, toml, data.resolve("edge.log"));
        try {
            child.awaitLog("edge hub: STARTING -> RUNNING", Duration.ofSeconds(180));
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
        return new Edge(child, data.resolve("data"), mqtt, metrics);
    }

    /** The two modules at {@code edge}; the producer publishes to {@code output}. */
    RoutedPair.Endpoints endpoints(Edge edge, String output) {
        return new RoutedPair.Endpoints("Brink edge hub", EDGE_HUB_HOST, edge.mqttPort(), edge.caPem(),
                module("producer", producerKey, outputTopic("producer", output)),
                module("consumer", consumerKey, outputTopic("consumer", "unused")),
                "devices/" + EDGE + "/modules/consumer/inputs/#", edge.child().pid());
    }

    /** What an SDK module sends: client id {d}/{m}, username {hub}/{d}/{m}/?api-version, a module-audience SAS. */
    private DeviceLogin module(String moduleId, String key, String topic) {
        long expiry = Instant.now().plus(Duration.ofHours(3)).getEpochSecond();
        String token = SasTokens.create(hub.hostName() + "/devices/" + EDGE + "/modules/" + moduleId, key, expiry,
                null);
        return new DeviceLogin(EDGE + "/" + moduleId, EDGE + "/" + moduleId,
                hub.hostName() + "/" + EDGE + "/" + moduleId + "/?api-version=" + API, token, topic);
    }

    /** A module output as the SDKs publish it: the output name in the {@code $.on} system property. */
    static String outputTopic(String moduleId, String output) {
        return "devices/" + EDGE + "/modules/" + moduleId + "/messages/events/%24.on=" + output;
    }

    void stopHub() {
        hub.close();
    }

    void startHub() {
        hub = HubServer.start(hubConfig);
    }

    Path hubEventsDb() {
        return hubConfig.dataDir().resolve("events.db");
    }

    /** Sum of the samples of one Prometheus metric whose label set contains {@code labels} (-1: not found). */
    double metric(Edge edge, String name, String labels) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://" + EDGE_HUB_HOST + ":" + edge.metricsPort()
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = -1;
        for (String line : text.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labels)) {
                sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** messages.db + its WAL and shm, bytes on disk now. */
    static long storeDiskBytes(Edge edge) {
        long total = 0;
        for (String f : List.of("messages.db", "messages.db-wal", "messages.db-shm")) {
            try {
                total += Files.size(edge.edgeHubDir().resolve(f));
            } catch (IOException e) {
                // not there (yet): nothing on disk
            }
        }
        return total;
    }

    private static String key(JsonNode identity) {
        return identity.at("/authentication/symmetricKey/primaryKey").asText();
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        hub.close();
    }
}
