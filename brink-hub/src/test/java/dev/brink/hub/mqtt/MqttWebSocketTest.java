package dev.brink.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import dev.brink.mqtt.ProtocolHead;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT over WebSocket on the HTTPS port (reference §1.1, §9.1): {@code wss://host:https/$iothub/websocket}, the
 * query {@code ?iothub-no-client-cert=true} ignored, sub-protocol {@code mqtt}, device SAS in CONNECT, and MQTT
 * packets larger than WebSocket's usual 64 KB frame limit (Paho sends one frame per packet).
 */
class MqttWebSocketTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String uri() {
        return "wss://127.0.0.1:" + hub.hub().httpsPort() + ProtocolHead.WEBSOCKET_PATH + "?iothub-no-client-cert=true";
    }

    @Test
    void telemetryAndTwinOverWebSocket() throws Exception {
        Identity d = MqttTestSupport.device(hub, "ws-dev");
        try (MqttTestSupport.TestClient client = new MqttTestSupport.TestClient(hub, uri(), "ws-dev")) {
            client.connect(MqttTestSupport.username(hub, d), MqttTestSupport.token(hub, d), true);

            long from = hub.hub().eventLog().nextOffset();
            client.publish("devices/ws-dev/messages/events/color=red", "{\"t\":1}", 1); // returns after PUBACK
            byte[] big = new byte[200 * 1024]; // > 64 KB: needs the HTTPS server's larger WebSocket frame limit
            Arrays.fill(big, (byte) 'x');
            client.publish("devices/ws-dev/messages/events/", big, 1);
            List<DeviceEvent> events = MqttTestSupport.events(hub, from, 2).stream()
                    .filter(e -> e.deviceId().equals("ws-dev")).toList();
            assertThat(events).hasSize(2);
            assertThat(events.get(0).applicationProperties()).containsEntry("color", "red");
            assertThat(new String(events.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":1}");
            assertThat(events.get(1).body()).hasSize(big.length);

            client.subscribe("$iothub/twin/res/#", 0);
            client.publish("$iothub/twin/GET/?$rid=ws1", new byte[0], 1);
            MqttTestSupport.Received twin = client.next("$iothub/twin/res/");
            assertThat(twin.topic()).isEqualTo("$iothub/twin/res/200/?$rid=ws1");
            var body = MqttTestSupport.json(new String(twin.payload(), StandardCharsets.UTF_8));
            assertThat(body.has("desired")).isTrue();
            assertThat(body.has("reported")).isTrue();
            assertThat(client.isConnected()).isTrue();
        }
    }

    @Test
    void badTokenOverWebSocketIsRefused() throws Exception {
        Identity d = MqttTestSupport.device(hub, "ws-bad");
        try (MqttTestSupport.TestClient client = new MqttTestSupport.TestClient(hub, uri(), "ws-bad")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.connect(MqttTestSupport.username(hub, d),
                    "SharedAccessSignature sr=x&sig=y&se=1", true))
                    .isInstanceOf(org.eclipse.paho.client.mqttv3.MqttSecurityException.class);
        }
    }
}
