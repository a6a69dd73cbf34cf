package dev.brink.hub.clientcompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.DeviceClient;
import dev.brink.client.IotHubClient;
import dev.brink.client.MethodResponse;
import dev.brink.client.ModuleClient;
import dev.brink.client.Twin;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * brink-client's DeviceClient and ModuleClient against the real hub: telemetry with properties into the events
 * log, twin get / reported patch / desired patch pushed from REST, a direct method invoked through REST, and
 * C2D (devices only: IoT Hub has no cloud-to-device messages for modules).
 */
@Timeout(120)
class BrinkClientCompatTest {
    private static HubFixture fixture;

    @BeforeAll
    static void start() {
        fixture = HubFixture.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void deviceClient() throws Exception {
        Identity d = fixture.device("bc-dev");
        BlockingQueue<Message> c2d = new LinkedBlockingQueue<>();
        try (DeviceClient client = fixture.deviceClient(d)) {
            client.onMessage(c2d::add);
            exercise(client, d, "/twins/bc-dev");

            HttpResponse<String> sent = fixture.send("POST", "/devices/bc-dev/messages/deviceBound",
                    "turn on".getBytes(StandardCharsets.UTF_8), "iothub-messageid", "bc-mid", "iothub-correlationid",
                    "bc-cid", "iothub-app-color", "red", "iothub-app-odd", "a=b&c/d e+f%");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            Message m = c2d.poll(20, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.bodyAsString()).isEqualTo("turn on");
            assertThat(m.messageId()).isEqualTo("bc-mid");
            assertThat(m.correlationId()).isEqualTo("bc-cid");
            assertThat(m.to()).isEqualTo("/devices/bc-dev/messages/deviceBound");
            assertThat(m.expiryTimeUtc()).isNotNull();
            assertThat(m.properties()).containsExactly(Map.entry("color", "red"), Map.entry("odd", "a=b&c/d e+f%"));
            await().atMost(HubFixture.WAIT).until(() -> fixture.hub().cloudToDeviceQueue().depth("bc-dev") == 0);
        }
    }

    @Test
    void moduleClient() throws Exception {
        fixture.device("bc-edge");
        Identity m = fixture.module("bc-edge", "bc-mod");
        try (ModuleClient client = fixture.moduleClient(m)) {
            exercise(client, m, "/twins/bc-edge/modules/bc-mod");
        }
    }

    private static void exercise(IotHubClient client, Identity identity, String twinPath) throws Exception {
        IdentityKey key = identity.key();
        BlockingQueue<ObjectNode> desired = new LinkedBlockingQueue<>();
        client.onDesiredPropertiesUpdate((patch, version) -> desired.add(patch));
        client.onMethod("reboot", request -> MethodResponse.of(201, Json.object().put("method", "reboot")
                .set("echo", request.payloadJson())));
        client.open();

        long from = fixture.hub().eventLog().nextOffset();
        client.sendEvent(Message.builder().body("{\"temp\":21}").messageId("bc-" + key.deviceId())
                .contentType("application/json").property("color", "red and blue").build());
        List<DeviceEvent> events = fixture.hub().eventLog().read(from, 100).stream()
                .filter(e -> e.deviceId().equals(key.deviceId())).toList();
        assertThat(events).hasSize(1); // sendEvent returns after the PUBACK, i.e. once the event is durable
        DeviceEvent event = events.get(0);
        assertThat(event.moduleId()).isEqualTo(key.moduleId());
        assertThat(event.systemProperties()).containsEntry("$.mid", "bc-" + key.deviceId())
                .containsEntry("$.ct", "application/json");
        assertThat(event.applicationProperties()).containsEntry("color", "red and blue");

        Twin twin = client.getTwin();
        assertThat(twin.desiredVersion()).isEqualTo(1);
        long reportedVersion = client.updateReportedProperties(Json.object().put("firmware", "1.2.3"));
        assertThat(reportedVersion).isEqualTo(2);
        assertThat(client.getTwin().reported().path("firmware").asText()).isEqualTo("1.2.3");

        HttpResponse<String> patch = fixture.send("PATCH", twinPath,
                "{\"properties\":{\"desired\":{\"interval\":7}}}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        ObjectNode pushed = desired.poll(20, TimeUnit.SECONDS);
        assertThat(pushed).isNotNull();
        assertThat(pushed.path("interval").asInt()).isEqualTo(7);
        assertThat(pushed.path("$version").asLong()).isEqualTo(2);

        await().atMost(HubFixture.WAIT).until(() -> fixture.hub().deviceEndpoint().connections().isOnline(key));
        HttpResponse<String> call = fixture.send("POST", twinPath + "/methods",
                "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":10,\"payload\":{\"delay\":3}}"
                        .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        JsonNode body = Json.parse(call.body());
        assertThat(body.path("status").asInt()).isEqualTo(201);
        assertThat(body.path("payload").path("echo").path("delay").asInt()).isEqualTo(3);
    }
}
