package dev.brink.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.mqtt.MqttTestSupport.Received;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CleanSession=0 subscriptions survive reconnects and hub restarts; CleanSession=1 drops them. */
class MqttSessionTest {
    private Path dir;
    private HubServer hub;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("brink-mqtt-session");
        hub = startHub();
    }

    @AfterEach
    void stop() {
        hub.close();
        TestHub.deleteRecursively(dir);
    }

    private HubServer startHub() {
        return HubServer.start(HubConfig.builder().dataDir(dir.resolve("data")).httpsPort(0).mqttPort(0).build());
    }

    @Test
    void persistentSubscriptionsSurviveReconnectAndRestart() throws Exception {
        Identity d = hub.registry().putDevice("sess-dev", Json.object(), null);
        try (Client c = new Client(d)) {
            c.connect(false);
            c.client.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
            c.client.subscribe("$iothub/methods/POST/#", 1);
        }
        try (Client c = new Client(d)) { // reconnect, no SUBSCRIBE
            assertThat(c.connect(false)).as("session present").isTrue();
            desired(d, 1);
            assertThat(c.next().topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
        }
        hub.close();
        hub = startHub();
        try (Client c = new Client(d)) { // after a restart, no SUBSCRIBE
            assertThat(c.connect(false)).isTrue();
            assertThat(hub.deviceEndpoint().connections().isOnline(d.key())).isTrue();
            desired(d, 2);
            assertThat(c.next().topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=3");
        }
        try (Client c = new Client(d)) { // a clean session drops it ...
            assertThat(c.connect(true)).isFalse();
        }
        try (Client c = new Client(d)) { // ... for good
            assertThat(c.connect(false)).isFalse();
            assertThat(hub.deviceEndpoint().connections().isOnline(d.key())).isFalse();
        }
    }

    private void desired(Identity d, int value) {
        hub.twins().patchTwin(d.key(), Json.parseObject("{\"properties\":{\"desired\":{\"v\":" + value + "}}}"), null);
    }

    /** A Paho client that reports the CONNACK session-present flag. */
    private final class Client implements AutoCloseable {
        final MqttClient client;
        final java.util.concurrent.BlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
        final Identity identity;

        Client(Identity identity) throws Exception {
            this.identity = identity;
            client = new MqttClient("ssl://127.0.0.1:" + hub.mqttPort(), identity.key().deviceId(),
                    new MemoryPersistence());
            client.setTimeToWait(10_000);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    received.add(new Received(topic, m.getPayload(), m.getQos()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }

        boolean connect(boolean clean) throws Exception {
            String token = SasTokens.create(hub.hostName() + "/devices/" + identity.key().deviceId(),
                    identity.primaryKey(), Instant.now().plusSeconds(600).getEpochSecond(), null);
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(clean);
            o.setUserName(hub.hostName() + "/" + identity.key().deviceId() + "/?api-version=2020-09-30");
            o.setPassword(token.toCharArray());
            o.setSocketFactory(TestHub.sslContextTrusting(hub.caCertificatePem()).getSocketFactory());
            return client.connectWithResult(o).getSessionPresent();
        }

        Received next() throws InterruptedException {
            Received r = received.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a delivery").isNotNull();
            return r;
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        }
    }
}
