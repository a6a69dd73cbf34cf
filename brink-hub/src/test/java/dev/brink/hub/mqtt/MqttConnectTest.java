package dev.brink.hub.mqtt;

import static dev.brink.hub.mqtt.MqttTestSupport.connect;
import static dev.brink.hub.mqtt.MqttTestSupport.device;
import static dev.brink.hub.mqtt.MqttTestSupport.module;
import static dev.brink.hub.mqtt.MqttTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.brink.core.json.Json;
import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.mqtt.MqttTestSupport.TestClient;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.testing.TestHub;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CONNECT: SAS authentication of devices and modules, refusals, token expiry, takeover, connection state. */
class MqttConnectTest {
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
    void deviceConnectsWithEncodedAndRawAudienceTokens() throws Exception {
        Identity d = device(hub, "conn-dev");
        try (TestClient c = connect(hub, d)) {
            assertThat(c.isConnected()).isTrue();
        }
        try (TestClient c = connect(hub, d, MqttTestSupport.rawToken(hub, d), true)) {
            assertThat(c.isConnected()).isTrue();
        }
    }

    @Test
    void moduleConnectsWithModuleTokenOrDeviceToken() throws Exception {
        Identity d = device(hub, "conn-edge");
        Identity m = module(hub, "conn-edge", "filter");
        try (TestClient c = connect(hub, m)) {
            assertThat(c.isConnected()).isTrue();
        }
        try (TestClient c = connect(hub, m, token(hub, d), true)) {
            assertThat(c.isConnected()).isTrue();
        }
    }

    @Test
    void refusesBadCredentialsWithNotAuthorized() throws Exception {
        Identity d = device(hub, "conn-bad");
        Identity other = device(hub, "conn-other");
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
        String audience = MqttTestSupport.audience(hub, d);
        assertRefused(d, "not a token", 5);
        assertRefused(d, SasTokens.create(audience, Keys.generateKey(), inAnHour, null), 5); // forged
        assertRefused(d, token(hub, d, Instant.now().minusSeconds(3600).getEpochSecond()), 5); // expired
        assertRefused(d, token(hub, other), 5); // another device's token
        assertRefused(d, SasTokens.create("otherhub/devices/conn-bad", d.primaryKey(), inAnHour, null), 5);
        assertRefused(d, null, 4); // no password
        Identity ghost = new Identity(IdentityKey.device("conn-ghost"), null, null, null, null, null, "sas",
                d.primaryKey(), d.secondaryKey(), null, null, false, null, null, null, null, null, null, 0);
        assertRefused(ghost, token(hub, ghost), 5); // unknown device
    }

    @Test
    void refusesDisabledDevice() throws Exception {
        Identity d = device(hub, "conn-disabled");
        hub.hub().registry().putDevice("conn-disabled", Json.parseObject("{\"status\":\"disabled\"}"), "*");
        assertRefused(d, token(hub, d), 5);
    }

    private static void assertRefused(Identity identity, String password, int code) {
        assertThatThrownBy(() -> connect(hub, identity, password, true).close())
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(code));
    }

    @Test
    void closesTheConnectionWhenTheTokenExpires() throws Exception {
        Identity d = device(hub, "conn-expiry");
        long expiresAt = Instant.now().plusSeconds(3).getEpochSecond();
        try (TestClient c = connect(hub, d, token(hub, d, expiresAt), true)) {
            assertThat(c.isConnected()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
            assertThat(Instant.now().getEpochSecond()).isGreaterThanOrEqualTo(expiresAt);
        }
    }

    @Test
    void aNewConnectionTakesOverTheClientId() throws Exception {
        Identity d = device(hub, "conn-takeover");
        try (TestClient first = connect(hub, d); TestClient second = connect(hub, d)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !first.isConnected());
            assertThat(second.isConnected()).isTrue();
            second.publish("devices/conn-takeover/messages/events/", "x", 1);
            assertThat(hub.hub().deviceEndpoint().connections().isConnected(d.key())).isTrue();
        }
    }

    @Test
    void keepsConnectionStateAndLastActivityInTheRegistry() throws Exception {
        Identity d = device(hub, "conn-state");
        Identity m = module(hub, "conn-state", "m1");
        assertThat(d.connectionState()).isEqualTo(Identity.DISCONNECTED);
        try (TestClient c = connect(hub, d); TestClient cm = connect(hub, m)) {
            c.publish("devices/conn-state/messages/events/", "x", 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(hub.hub().registry().getDevice("conn-state").connectionState())
                        .isEqualTo(Identity.CONNECTED);
                assertThat(hub.hub().registry().getModule("conn-state", "m1").connectionState())
                        .isEqualTo(Identity.CONNECTED);
            });
            assertThat(hub.hub().registry().getDevice("conn-state").lastActivityTime()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(hub.hub().registry().getDevice("conn-state").connectionState())
                        .isEqualTo(Identity.DISCONNECTED));
    }
}
