package dev.brink.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.DeviceClient;
import dev.brink.client.KeySasTokenProvider;
import dev.brink.client.MethodResponse;
import dev.brink.client.ModuleClient;
import dev.brink.client.Twin;
import dev.brink.client.service.PemTrust;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.core.sas.Keys;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeTestbed;
import dev.brink.hub.events.DeviceEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization scope of the edge hub (issue 5 §2, §6, §7) with a real hub and a real edge runtime (edge hub on
 * 127.0.0.2, ephemeral ports): modules A and B of the edge device, a child device created with
 * {@code parentScopes}, a device that is not a child, and an unknown one. Raw MQTT (Paho) for what a well-behaved
 * SDK never sends, brink-client for the child and for B. The last test stops the hub: refusals, the child's
 * cached twin and a module-to-module method through the edge hub's HTTPS API must work offline.
 */
@Timeout(90)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeHubScopeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EDGE = EdgeTestbed.DEVICE;
    private static final String HOST = "127.0.0.2";

    @TempDir
    static Path dir;
    private static EdgeTestbed bed;
    private static EdgeRuntime edge;
    private static String hubName;
    private static String keyA;
    private static String keyB;
    private static String childKey;
    private static String strangerKey;
    private static String edgeCaPem;
    private static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        bed = EdgeTestbed.start(dir);
        hubName = bed.hub.hostName();
        String scope = bed.service.getDevice(EDGE).path("deviceScope").asText();
        assertThat(scope).startsWith("ms-azure-iot-edge://");
        childKey = key(bed.service.createDevice(Json.parseObject(
                "{\"deviceId\":\"child1\",\"parentScopes\":[\"" + scope + "\"]}")));
        strangerKey = key(bed.service.createDevice(Json.parseObject("{\"deviceId\":\"stranger\"}")));
        keyA = key(bed.service.createModule(EDGE, "A", null));
        keyB = key(bed.service.createModule(EDGE, "B", null));
        desired(EDGE, "A", "A");
        desired(EDGE, "B", "B");
        desired("child1", null, "child1");
        bed.service.applyConfigurationContent(EDGE, EdgeDeployments.content(Map.of(),
                Map.of("upstream", "FROM /messages/* INTO $upstream")));
        edge = EdgeRuntime.start(EdgeConfig.load(bed.edgeToml("1s", "4s", "")));
        edgeCaPem = Files.readString(edge.config().dataDir().toAbsolutePath().resolve("ca/edge-ca.pem"));
        tls = PemTrust.fromPem(edgeCaPem);
    }

    @AfterAll
    static void stop() {
        try {
            if (edge != null) {
                edge.close();
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
        }
    }

    @Test
    @Order(1)
    void aModuleCannotPublishAsAnotherModule() throws Exception {
        try (RawMqtt a = module("A", keyA)) {
            assertThatThrownBy(() -> a.publish("devices/" + EDGE + "/modules/B/messages/events/", "{\"as\":\"B\"}"))
                    .isInstanceOf(MqttException.class);
            await().atMost(WAIT).until(() -> !a.client.isConnected());
        }
        // A's own telemetry after it: the $upstream queue is in order, so B's would have arrived first.
        try (RawMqtt a = module("A", keyA)) {
            a.publish("devices/" + EDGE + "/modules/A/messages/events/$.mid=own-a", "{\"as\":\"A\"}");
        }
        DeviceEvent own = awaitEvent("own-a");
        assertThat(own.moduleId()).isEqualTo("A");
        assertThat(bed.hub.eventLog().read(0, 10_000)).noneMatch(e -> "B".equals(e.moduleId()));
    }

    @Test
    @Order(2)
    void aModulesTwinGetReturnsItsOwnTwin() throws Exception {
        try (RawMqtt a = module("A", keyA)) {
            assertThat(a.subscribe("$iothub/twin/res/#")).isEqualTo(1);
            a.publish("$iothub/twin/GET/?$rid=7", "");
            RawMqtt.Received reply = a.next("$iothub/twin/res/");
            assertThat(reply.topic()).startsWith("$iothub/twin/res/200/?$rid=7");
            JsonNode twin = Json.parse(reply.payload());
            assertThat(twin.at("/desired/who").asText()).isEqualTo("A");
        }
    }

    @Test
    @Order(3)
    void aModuleCannotSubscribeToAnotherModulesInputs() throws Exception {
        try (RawMqtt a = module("A", keyA)) {
            assertThat(a.subscribe("devices/" + EDGE + "/modules/B/inputs/#")).isEqualTo(0x80);
            assertThat(a.subscribe("devices/" + EDGE + "/modules/A/inputs/#")).isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void unknownDevicesAndDevicesThatAreNotChildrenAreRefused() {
        assertRefused("ghost", Keys.generateKey());
        assertRefused("stranger", strangerKey);
    }

    @Test
    @Order(5)
    void aChildDeviceSendsTelemetryUsesItsTwinAndAnswersAMethodFromTheHub() throws Exception {
        try (DeviceClient child = child()) {
            child.onMethod("ping", req -> MethodResponse.ok(Json.object().put("pong", req.payloadJson().path("n")
                    .asInt())));
            child.open();
            child.sendEvent(Message.builder().body("{\"child\":1}").messageId("child-msg").property("k", "v").build());
            DeviceEvent event = awaitEvent("child-msg");
            assertThat(event.deviceId()).isEqualTo("child1");
            assertThat(event.moduleId()).isNull();
            assertThat(event.applicationProperties()).containsEntry("k", "v");

            Twin twin = child.getTwin();
            assertThat(twin.desired().path("who").asText()).isEqualTo("child1");
            child.updateReportedProperties(Json.object().put("via", "edge"));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> bed.service.getTwin("child1", null)
                    .at("/properties/reported/via").asText().equals("edge"));

            JsonNode result = bed.service.invokeMethod("child1", null, "ping", Json.object().put("n", 4), 30, 20);
            assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
            assertThat(result.at("/payload/pong").asInt()).isEqualTo(4);
        }
    }

    @Test
    @Order(6)
    void withTheHubStoppedRefusalsTheChildsTwinAndModuleToModuleMethodsStillWork() throws Exception {
        bed.hub.close();

        assertRefused("ghost", Keys.generateKey());
        assertRefused("stranger", strangerKey);
        try (DeviceClient child = child()) {
            child.open();
            assertThat(child.getTwin().desired().path("who").asText()).isEqualTo("child1");
        }
        try (ModuleClient b = ModuleClient.create(hubName, EDGE, "B", HOST, new KeySasTokenProvider(keyB),
                clientOptions())) {
            b.onMethod("add", req -> MethodResponse.ok(Json.object().put("sum",
                    req.payloadJson().path("x").asInt() + req.payloadJson().path("y").asInt())));
            b.open();
            HttpResponse<String> response = moduleMethod("A", keyA, "B",
                    "{\"methodName\":\"add\",\"responseTimeoutInSeconds\":10,\"payload\":{\"x\":2,\"y\":3}}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = Json.parse(response.body());
            assertThat(body.path("status").asInt()).isEqualTo(200);
            assertThat(body.at("/payload/sum").asInt()).isEqualTo(5);

            HttpResponse<String> wrongKey = moduleMethod("A", keyB, "B", "{\"methodName\":\"add\"}");
            assertThat(wrongKey.statusCode()).as(wrongKey.body()).isEqualTo(401);
        }
    }

    private static RawMqtt module(String moduleId, String key) throws MqttException {
        return RawMqtt.connect(HOST, edge.edgeHub().mqttPort(), tls, hubName, EDGE + "/" + moduleId,
                "devices/" + EDGE + "/modules/" + moduleId, key);
    }

    private static void assertRefused(String deviceId, String key) {
        assertThatThrownBy(() -> RawMqtt.connect(HOST, edge.edgeHub().mqttPort(), tls, hubName, deviceId,
                "devices/" + deviceId, key).close())
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .as("CONNACK of %s", deviceId).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    }

    private static DeviceClient child() {
        return DeviceClient.create(hubName, "child1", HOST, new KeySasTokenProvider(childKey), clientOptions());
    }

    private static ClientOptions clientOptions() {
        return ClientOptions.builder().port(edge.edgeHub().mqttPort()).trustedCaPem(edgeCaPem)
                .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    }

    /** {@code POST /twins/{edge}/modules/{target}/methods} on the edge hub as {@code caller}, signed with {@code key}. */
    private static HttpResponse<String> moduleMethod(String caller, String key, String target, String body)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(WAIT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + HOST + ":" + edge.edgeHub().httpsPort()
                        + "/twins/" + EDGE + "/modules/" + target + "/methods"))
                .header("Authorization", RawMqtt.token(hubName, "devices/" + EDGE + "/modules/" + caller, key))
                .header("x-ms-edge-moduleId", EDGE + "/" + caller)
                .header("Content-Type", "application/json")
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static DeviceEvent awaitEvent(String messageId) {
        DeviceEvent[] found = new DeviceEvent[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<DeviceEvent> events = bed.hub.eventLog().read(0, 10_000);
            found[0] = events.stream().filter(e -> messageId.equals(e.systemProperties().get("$.mid"))).findFirst()
                    .orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static void desired(String deviceId, String moduleId, String who) {
        bed.service.patchTwin(deviceId, moduleId, Json.parseObject(
                "{\"properties\":{\"desired\":{\"who\":\"" + who + "\"}}}"), null);
    }

    private static String key(JsonNode identity) {
        return identity.at("/authentication/symmetricKey/primaryKey").asText();
    }
}
