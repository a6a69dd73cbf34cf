package dev.brink.hub.mqtt;

import static dev.brink.hub.mqtt.MqttTestSupport.connect;
import static dev.brink.hub.mqtt.MqttTestSupport.device;
import static dev.brink.hub.mqtt.MqttTestSupport.events;
import static dev.brink.hub.mqtt.MqttTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.mqtt.MqttTestSupport.Received;
import dev.brink.hub.mqtt.MqttTestSupport.TestClient;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.testing.TestHub;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.MethodResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Telemetry into the events log, twins over MQTT, desired-property pushes and direct methods. */
class MqttDeviceTrafficTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = MqttTestSupport.startHub();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void telemetryIsStoredWithItsPropertiesBeforeThePuback() throws Exception {
        Identity d = device(hub, "tel-dev");
        Identity m = module(hub, "tel-dev", "mod");
        long from = hub.hub().eventLog().nextOffset();
        try (TestClient c = connect(hub, d); TestClient cm = connect(hub, m)) {
            c.publish("devices/tel-dev/messages/events/$.mid=m1&$.ct=application%2Fjson&temp=21.5", "{\"t\":1}", 1);
            c.publish("devices/tel-dev/messages/events/%24.mid=m2&%24.cid=c2&k%20ey=a%2Bb/", "two", 1);
            c.publish("devices/tel-dev/messages/events/", "three", 1);
            cm.publish("devices/tel-dev/modules/mod/messages/events/$.mid=m4&$.on=out1&$.cmid=mod/", "four", 1);
        }
        List<DeviceEvent> events = events(hub, from, 4).stream().filter(e -> e.deviceId().equals("tel-dev")).toList();
        assertThat(events).hasSize(4);
        DeviceEvent first = events.stream().filter(e -> "m1".equals(e.systemProperties().get("$.mid"))).findFirst()
                .orElseThrow();
        assertThat(first.systemProperties()).containsEntry("$.ct", "application/json").containsEntry("$.cdid", "tel-dev");
        assertThat(first.applicationProperties()).containsExactlyEntriesOf(java.util.Map.of("temp", "21.5"));
        assertThat(new String(first.body())).isEqualTo("{\"t\":1}");
        DeviceEvent second = events.stream().filter(e -> "m2".equals(e.systemProperties().get("$.mid"))).findFirst()
                .orElseThrow();
        assertThat(second.systemProperties()).containsEntry("$.cid", "c2");
        assertThat(second.applicationProperties()).containsEntry("k ey", "a+b");
        DeviceEvent fourth = events.stream().filter(e -> "m4".equals(e.systemProperties().get("$.mid"))).findFirst()
                .orElseThrow();
        assertThat(fourth.moduleId()).isEqualTo("mod");
        assertThat(fourth.systemProperties()).containsEntry("$.on", "out1").containsEntry("$.cmid", "mod");
        assertThat(events).extracting(DeviceEvent::offset).doesNotHaveDuplicates();
    }

    @Test
    void twinGetAndReportedPatchFollowTheIotHubProtocol() throws Exception {
        Identity d = device(hub, "twin-dev");
        try (TestClient c = connect(hub, d)) {
            c.subscribe("$iothub/twin/res/#", 1);
            c.publish("$iothub/twin/GET/?$rid=1", "", 1);
            Received get = c.next("$iothub/twin/res/");
            assertThat(get.topic()).isEqualTo("$iothub/twin/res/200/?$rid=1");
            assertThat(get.qos()).isZero();
            ObjectNode twin = Json.parseObject(get.text());
            assertThat(twin.path("desired").path("$version").asLong()).isEqualTo(1);
            assertThat(twin.path("reported").path("$version").asLong()).isEqualTo(1);

            c.publish("$iothub/twin/PATCH/properties/reported/?$rid=2", "{\"fw\":\"1.0\"}", 1);
            assertThat(c.next("$iothub/twin/res/").topic()).isEqualTo("$iothub/twin/res/204/?$rid=2&$version=2");
            c.publish("$iothub/twin/PATCH/properties/reported/?$rid=3&$version=2", "{\"fw\":\"1.1\"}", 1);
            assertThat(c.next("$iothub/twin/res/").topic()).isEqualTo("$iothub/twin/res/204/?$rid=3&$version=3");
            c.publish("$iothub/twin/PATCH/properties/reported/?$rid=4&$version=2", "{\"fw\":\"1.2\"}", 1);
            Received stale = c.next("$iothub/twin/res/");
            assertThat(stale.topic()).isEqualTo("$iothub/twin/res/412/?$rid=4");
            assertThat(Json.parseObject(stale.text()).path("errorCode").asInt()).isEqualTo(412001);

            c.publish("$iothub/twin/PATCH/properties/reported/?$rid=5", "{not json", 1);
            Received bad = c.next("$iothub/twin/res/");
            assertThat(bad.topic()).isEqualTo("$iothub/twin/res/400/?$rid=5");
            assertThat(Json.parseObject(bad.text()).path("errorCode").asInt()).isEqualTo(400004);
            assertThat(Json.parseObject(bad.text()).path("message").asText()).isNotBlank();
            c.publish("$iothub/twin/PATCH/properties/reported/?$rid=6", "{\"" + "k".repeat(2000) + "\":1}", 1);
            assertThat(c.next("$iothub/twin/res/").topic()).isEqualTo("$iothub/twin/res/400/?$rid=6");
            assertThat(c.isConnected()).isTrue();
        }
        assertThat(hub.hub().twins().getDocument(d.key()).reported().path("fw").asText()).isEqualTo("1.1");
    }

    @Test
    void desiredPatchesArePushedToSubscribedClients() throws Exception {
        Identity d = device(hub, "desired-dev");
        try (TestClient c = connect(hub, d)) {
            c.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
            hub.hub().twins().patchTwin(d.key(), Json.parseObject("{\"properties\":{\"desired\":{\"rate\":5}}}"), null);
            Received push = c.next("$iothub/twin/PATCH/properties/desired/");
            assertThat(push.topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
            assertThat(push.qos()).isZero();
            ObjectNode body = Json.parseObject(push.text());
            assertThat(body.path("rate").asInt()).isEqualTo(5);
            assertThat(body.path("$version").asLong()).isEqualTo(2);
        }
    }

    @Test
    void directMethodsRoundTripThroughDeviceConnectionsAndRest() throws Exception {
        Identity d = device(hub, "method-dev");
        Connections connections = hub.hub().deviceEndpoint().connections();
        assertThatThrownBy(() -> connections.invokeMethod(d.key(), "reboot", null, Duration.ofMillis(200),
                Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(BrinkException.class).hasMessageContaining("not connected");
        try (TestClient c = connect(hub, d)) {
            c.subscribe("$iothub/methods/POST/#", 1);
            assertThat(connections.isOnline(d.key())).isTrue();
            CompletableFuture<MethodResult> call = connections.invokeMethod(d.key(), "reboot",
                    Json.parseObject("{\"delay\":1}"), Duration.ZERO, Duration.ofSeconds(10));
            Received request = c.next("$iothub/methods/POST/");
            assertThat(request.topic()).matches("\\$iothub/methods/POST/reboot/\\?\\$rid=[0-9a-f]+");
            assertThat(request.qos()).isZero();
            assertThat(Json.parseObject(request.text()).path("delay").asInt()).isEqualTo(1);
            String rid = request.topic().substring(request.topic().indexOf("$rid=") + 5);
            c.publish("$iothub/methods/res/201/?$rid=" + rid, "{\"ok\":true}", 1);
            MethodResult result = call.get(10, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(201);
            assertThat(result.payload().path("ok").asBoolean()).isTrue();

            // the same through REST, answered at QoS 0
            CompletableFuture<HttpResponse<String>> rest = CompletableFuture.supplyAsync(() -> hub.send("POST",
                    "/twins/method-dev/methods", "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":10,"
                            + "\"payload\":\"hi\"}"));
            Received ping = c.next("$iothub/methods/POST/ping/");
            String rid2 = ping.topic().substring(ping.topic().indexOf("$rid=") + 5);
            c.publish("$iothub/methods/res/200/?$rid=" + rid2, "\"pong\"", 0);
            HttpResponse<String> response = rest.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Json.parseObject(response.body()).path("payload").asText()).isEqualTo("pong");

            // no answer: 504101
            HttpResponse<String> timeout = hub.send("POST", "/twins/method-dev/methods",
                    "{\"methodName\":\"silent\",\"responseTimeoutInSeconds\":5}");
            assertThat(timeout.statusCode()).isEqualTo(504);
            assertThat(timeout.body()).contains("504101");
        }
        HttpResponse<String> offline = hub.send("POST", "/twins/method-dev/methods", "{\"methodName\":\"x\"}");
        assertThat(offline.statusCode()).isEqualTo(404);
        assertThat(offline.body()).contains("404103");
        assertThat(connections.isOnline(IdentityKey.device("method-dev"))).isFalse();
    }
}
