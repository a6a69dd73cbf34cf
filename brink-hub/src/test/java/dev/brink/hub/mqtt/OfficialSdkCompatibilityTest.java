package dev.brink.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.brink.core.json.Json;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Azure IoT Java device SDK 2.5.0 (MQTT) against the hub: it always dials port 8883, so this is
 * the one test class that binds 8883 on 127.0.0.1. Device and module (module connection string without
 * GatewayHostName): connect, telemetry with properties into the events log, get twin, patch reported,
 * receive a desired patch made through REST, answer a direct method invoked through REST (C2D with the
 * official SDK: {@code clientcompat.OfficialSdkC2dTest}). Twin calls go through {@link SdkTwinCalls}, which works
 * around a response race inside SDK 2.5.0.
 */
class OfficialSdkCompatibilityTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(b -> b.host("127.0.0.1").mqttPort(8883));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void deviceClient() throws Exception {
        Identity d = MqttTestSupport.device(hub, "sdk-dev");
        String cs = "HostName=" + hub.hub().hostName() + ";DeviceId=sdk-dev;SharedAccessKey=" + d.primaryKey();
        DeviceClient client = new DeviceClient(cs, IotHubClientProtocol.MQTT, options());
        exercise(client, d, "/twins/sdk-dev");
    }

    @Test
    void moduleClient() throws Exception {
        MqttTestSupport.device(hub, "sdk-edge");
        Identity m = MqttTestSupport.module(hub, "sdk-edge", "sdk-mod");
        String cs = "HostName=" + hub.hub().hostName() + ";DeviceId=sdk-edge;ModuleId=sdk-mod;SharedAccessKey="
                + m.primaryKey();
        ModuleClient client = new ModuleClient(cs, IotHubClientProtocol.MQTT, options());
        exercise(client, m, "/twins/sdk-edge/modules/sdk-mod");
    }

    /**
     * Many twin round trips in a row: each must be answered, with the reported version counting up (the hub's
     * {@code &$version=} in the response topic). With the SDK's synchronous twin calls this failed now and then
     * on a loaded machine (a response race inside SDK 2.5.0, see {@link SdkTwinCalls}).
     */
    @Test
    void manyTwinRoundTrips() throws Exception {
        Identity d = MqttTestSupport.device(hub, "sdk-loop");
        String cs = "HostName=" + hub.hub().hostName() + ";DeviceId=sdk-loop;SharedAccessKey=" + d.primaryKey();
        DeviceClient client = new DeviceClient(cs, IotHubClientProtocol.MQTT, options());
        try {
            client.open(false);
            client.subscribeToDesiredProperties((twin, ctx) -> { }, null);
            for (int i = 1; i <= 25; i++) {
                TwinCollection reported = new TwinCollection();
                reported.put("counter", i);
                assertThat(SdkTwinCalls.updateReported(client, reported)).as("patch %d", i).isEqualTo(i + 1);
                if (i % 5 == 0) {
                    Twin twin = SdkTwinCalls.getTwin(client);
                    assertThat(((Number) twin.getReportedProperties().get("counter")).intValue()).isEqualTo(i);
                }
            }
        } finally {
            client.close();
        }
    }

    private static ClientOptions options() {
        return ClientOptions.builder().sslContext(TestHub.sslContextTrusting(hub.hub().caCertificatePem())).build();
    }

    private static void exercise(InternalClient client, Identity identity, String twinPath) throws Exception {
        IdentityKey key = identity.key();
        BlockingQueue<Twin> desired = new LinkedBlockingQueue<>();
        try {
            client.open(false);
            long from = hub.hub().eventLog().nextOffset();
            Message message = new Message("{\"temp\":21}".getBytes(StandardCharsets.UTF_8));
            message.setProperty("color", "red and blue");
            message.setContentType("application/json");
            message.setMessageId("sdk-msg-" + key.deviceId());
            client.sendEvent(message); // returns after the PUBACK
            List<DeviceEvent> events = MqttTestSupport.events(hub, from, 1).stream()
                    .filter(e -> e.deviceId().equals(key.deviceId())).toList();
            assertThat(events).hasSize(1);
            DeviceEvent event = events.get(0);
            assertThat(event.moduleId()).isEqualTo(key.moduleId());
            assertThat(event.systemProperties()).containsEntry("$.mid", "sdk-msg-" + key.deviceId())
                    .containsEntry("$.ct", "application/json");
            assertThat(event.applicationProperties()).containsEntry("color", "red and blue");
            assertThat(new String(event.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temp\":21}");

            client.subscribeToDesiredProperties((twin, ctx) -> desired.add(twin), null);
            // Not client.getTwin()/updateReportedProperties(): SDK 2.5.0 can drop their responses (SdkTwinCalls).
            Twin twin = SdkTwinCalls.getTwin(client);
            assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);
            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "1.2.3");
            assertThat(SdkTwinCalls.updateReported(client, reported)).isEqualTo(2);
            assertThat(hub.hub().twins().getDocument(key).reported().path("firmware").asText()).isEqualTo("1.2.3");

            HttpResponse<String> patch = hub.send("PATCH", twinPath,
                    "{\"properties\":{\"desired\":{\"interval\":7}}}");
            assertThat(patch.statusCode()).isEqualTo(200);
            Twin pushed = desired.poll(10, TimeUnit.SECONDS);
            assertThat(pushed).isNotNull();
            assertThat(((Number) pushed.getDesiredProperties().get("interval")).intValue()).isEqualTo(7);
            assertThat(pushed.getDesiredProperties().getVersion()).isEqualTo(2);

            client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200,
                    java.util.Map.of("method", name, "echo", payload.getPayloadAsJsonElement())), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().deviceEndpoint().connections().isOnline(key));
            HttpResponse<String> call = hub.send("POST", twinPath + "/methods",
                    "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":10,\"payload\":{\"delay\":3}}");
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            var body = Json.parseObject(call.body());
            assertThat(body.path("status").asInt()).isEqualTo(200);
            assertThat(body.path("payload").path("method").asText()).isEqualTo("reboot");
            assertThat(body.path("payload").path("echo").path("delay").asInt()).isEqualTo(3);
        } finally {
            client.close();
        }
    }
}
