package dev.brink.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.service.EventQuery;
import dev.brink.client.service.EventStream;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeTestbed;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A real hub in-process with an edge device {@code edge1} (iotEdge), its module {@code filter} and a child device
 * {@code child1}, on fixed loopback ports so that {@link #restart()} brings the same hub back.
 */
final class UpstreamHub implements AutoCloseable {
    static final String EDGE = "edge1";
    static final IdentityKey MODULE = IdentityKey.module(EDGE, "filter");
    static final IdentityKey CHILD = IdentityKey.device("child1");

    private final Path dataDir;
    private final int httpsPort;
    private final int mqttPort;
    HubServer hub;
    HubServiceClient service;
    final String edgeKey;
    final String childKey;

    UpstreamHub(Path dir) throws Exception {
        this.dataDir = dir.resolve("hub");
        this.httpsPort = EdgeTestbed.freePort();
        this.mqttPort = EdgeTestbed.freePort();
        start();
        this.edgeKey = service.createDevice(Json.parseObject("{\"deviceId\":\"" + EDGE
                + "\",\"capabilities\":{\"iotEdge\":true}}")).at("/authentication/symmetricKey/primaryKey").asText();
        service.createModule(EDGE, MODULE.moduleId(), null);
        this.childKey = service.createDevice(Json.parseObject("{\"deviceId\":\"" + CHILD.deviceId() + "\"}"))
                .at("/authentication/symmetricKey/primaryKey").asText();
    }

    private void start() {
        hub = HubServer.start(HubConfig.builder().dataDir(dataDir).httpsPort(httpsPort).mqttPort(mqttPort).build());
        service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
    }

    void stop() {
        hub.close();
    }

    /** A new hub process-equivalent on the same data dir and ports. */
    void restart() {
        start();
    }

    UpstreamSettings settings(Duration idleTimeout) {
        ClientOptions options = ClientOptions.builder().port(mqttPort).trustedCaPem(hub.caCertificatePem())
                .connectTimeout(Duration.ofSeconds(5)).operationTimeout(Duration.ofSeconds(20))
                .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
        return new UpstreamSettings(hub.hostName(), EDGE, edgeKey, options, idleTimeout);
    }

    Function<IdentityKey, Optional<String>> childKeys() {
        return who -> who.equals(CHILD) ? Optional.of(childKey) : Optional.empty();
    }

    /** Every stored event (JSON lines of {@code GET /messages/events}), oldest first. */
    List<JsonNode> events() {
        List<JsonNode> all = new ArrayList<>();
        try (EventStream stream = service.streamEvents(EventQuery.fromStart())) {
            for (JsonNode e = stream.next(); e != null; e = stream.next()) {
                all.add(e);
            }
        }
        return all;
    }

    Optional<JsonNode> event(String messageId) {
        return events().stream().filter(e -> messageId.equals(e.at("/systemProperties/$.mid").asText(null)))
                .findFirst();
    }

    static Map<String, String> map(JsonNode object) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        object.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
        return m;
    }

    @Override
    public void close() {
        hub.close();
    }
}
