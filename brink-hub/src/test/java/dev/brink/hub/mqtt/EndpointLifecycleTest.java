package dev.brink.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService.ConnectionUpdate;
import dev.brink.hub.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's bookkeeping around identities: stale {@code Connected} states reset at start, persistent
 * sessions deleted with their identity, C2D deliveries counted, and test hubs on ephemeral MQTT ports.
 */
class EndpointLifecycleTest {

    @Test
    void testHubsUseEphemeralMqttPorts() {
        try (TestHub a = TestHub.start(); TestHub b = TestHub.start()) { // would collide on a fixed 8883
            assertThat(a.hub().mqttPort()).isPositive().isNotEqualTo(8883).isNotEqualTo(b.hub().mqttPort());
            assertThat(b.hub().mqttPort()).isPositive().isNotEqualTo(8883);
        }
    }

    @Test
    void connectedStatesLeftByACrashAreResetAtStart() throws Exception {
        Path dir = Files.createTempDirectory("brink-mqtt-stale");
        try {
            HubServer hub = start(dir);
            Identity device = hub.registry().putDevice("stale-dev", Json.object(), null);
            Identity module = hub.registry().putModule("stale-dev", "m1", Json.object(), null);
            Identity idle = hub.registry().putDevice("idle-dev", Json.object(), null);
            Instant then = Instant.now().minusSeconds(60);
            // What a crash leaves behind: Connected rows without a connection (a clean stop records only the
            // connections it has as Disconnected, so these survive close()).
            hub.registry().updateConnections(List.of(
                    new ConnectionUpdate(device.key(), Identity.CONNECTED, then, then),
                    new ConnectionUpdate(module.key(), Identity.CONNECTED, then, then))).join();
            hub.close();

            hub = start(dir);
            try {
                for (IdentityKey key : List.of(device.key(), module.key(), idle.key())) {
                    Identity after = hub.store().read(v -> v.registry().find(key)).orElseThrow();
                    assertThat(after.connectionState()).as(key.toString()).isEqualTo(Identity.DISCONNECTED);
                }
                Identity reset = hub.registry().getDevice("stale-dev");
                assertThat(reset.connectionStateUpdatedTime()).isAfter(then);
                assertThat(reset.lastActivityTime()).isEqualTo(then); // kept: it is the last activity seen
            } finally {
                hub.close();
            }
        } finally {
            TestHub.deleteRecursively(dir);
        }
    }

    @Test
    void deletingAnIdentityDeletesItsPersistentSessions() throws Exception {
        try (TestHub hub = TestHub.start()) {
            Identity device = MqttTestSupport.device(hub, "del-dev");
            Identity module = MqttTestSupport.module(hub, "del-dev", "del-mod");
            Identity other = MqttTestSupport.module(hub, "del-dev", "other-mod");
            for (Identity i : List.of(device, module, other)) {
                try (MqttTestSupport.TestClient c = MqttTestSupport.connect(hub, i, MqttTestSupport.token(hub, i),
                        false)) {
                    c.subscribe("$iothub/methods/POST/#", 1); // SUBACK only once durable
                }
                assertThat(sessions(hub, i)).isNotEmpty();
            }

            hub.hub().registry().deleteModuleAsync("del-dev", "del-mod", null).join();
            assertThat(sessions(hub, module)).isEmpty();
            assertThat(sessions(hub, device)).isNotEmpty();

            hub.hub().registry().deleteDeviceAsync("del-dev", null).join();
            assertThat(sessions(hub, device)).isEmpty();
            assertThat(sessions(hub, other)).isEmpty();

            // Re-created with the same id: a fresh identity, no session present.
            Identity again = MqttTestSupport.device(hub, "del-dev");
            MqttTestSupport.TestClient c = new MqttTestSupport.TestClient(hub, "del-dev");
            try (c) {
                var options = MqttTestSupport.options(hub, MqttTestSupport.username(hub, again),
                        MqttTestSupport.token(hub, again), false);
                assertThat(c.client.connectWithResult(options).getSessionPresent()).isFalse();
            }
        }
    }

    @Test
    void c2dDeliveriesAreCounted() throws Exception {
        try (TestHub hub = TestHub.start()) {
            Identity d = MqttTestSupport.device(hub, "count-dev");
            assertThat(hub.send("POST", "/devices/count-dev/messages/deviceBound", "{\"n\":1}").statusCode())
                    .isBetween(200, 299);
            for (int delivery = 1; delivery <= 2; delivery++) {
                MqttClient raw;
                try (MqttTestSupport.TestClient c = new MqttTestSupport.TestClient(hub, "count-dev")) {
                    raw = c.client;
                    raw.setManualAcks(true); // never PUBACK: the message stays pending and is delivered again
                    c.connect(MqttTestSupport.username(hub, d), MqttTestSupport.token(hub, d), true);
                    c.subscribe("devices/count-dev/messages/devicebound/#", 1);
                    c.next("devices/count-dev/messages/devicebound/");
                    int expected = delivery;
                    await().atMost(MqttTestSupport.WAIT).until(() ->
                            hub.hub().cloudToDeviceQueue().pending("count-dev").get(0).deliveryCount() == expected);
                }
            }
        }
    }

    private static Map<String, Integer> sessions(TestHub hub, Identity i) {
        String clientId = MqttTestSupport.clientId(i);
        return hub.hub().store().read(v -> v.sessions().subscriptions(clientId));
    }

    private static HubServer start(Path dir) {
        return HubServer.start(HubConfig.builder().dataDir(dir.resolve("data")).httpsPort(0).mqttPort(0).build());
    }
}
