package dev.brink.hub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.clientcompat.HubFixture;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * C2D end to end with a raw MQTT client (Paho, manual acknowledgements): REST send → QoS 1 delivery with
 * {@code %24}-encoded properties; redelivery until PUBACK, across reconnects and a hub restart; limits.
 */
@Timeout(120)
class CloudToDeviceIntegrationTest {
    private static HubFixture fixture;

    @BeforeAll
    static void start() {
        fixture = HubFixture.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static HttpResponse<String> send(String deviceId, String body, String... headers) {
        return fixture.send("POST", "/devices/" + deviceId + "/messages/deviceBound",
                body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void restSendIsDeliveredWithSystemAndApplicationProperties() throws Exception {
        Identity d = fixture.device("c2d-props");
        HttpResponse<String> r = send("c2d-props", "hello", "iothub-messageid", "mid-1", "iothub-correlationid",
                "cid-1", "iothub-app-color", "red", "iothub-app-size", "a b&c=d/e", "iothub-ttl", "600");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode sent = Json.parse(r.body());
        assertThat(sent.path("messageId").asText()).isEqualTo("mid-1");
        assertThat(sent.path("to").asText()).isEqualTo("/devices/c2d-props/messages/deviceBound");

        try (RawDevice device = RawDevice.connect(fixture, d, false)) {
            device.subscribeC2d();
            Received m = device.next();
            assertThat(m.qos()).isEqualTo(1);
            assertThat(m.topic()).startsWith("devices/c2d-props/messages/devicebound/%24.mid=mid-1&");
            String bag = m.topic().substring("devices/c2d-props/messages/devicebound/".length());
            assertThat(bag).doesNotContain("/");
            var parsed = PropertyBag.parse(bag);
            assertThat(parsed.systemProperties()).containsEntry("$.mid", "mid-1").containsEntry("$.cid", "cid-1")
                    .containsEntry("$.to", "/devices/c2d-props/messages/deviceBound").containsKey("$.exp");
            assertThat(parsed.applicationProperties()).containsExactly(Map.entry("color", "red"),
                    Map.entry("size", "a b&c=d/e"));
            assertThat(m.text()).isEqualTo("hello");
            device.ack(m);
        }
        await().atMost(HubFixture.WAIT).until(() -> fixture.hub().cloudToDeviceQueue().depth("c2d-props") == 0);
    }

    @Test
    void aMessageIdIsGeneratedAndTheDeviceMessageCountIsKept() {
        fixture.device("c2d-count");
        JsonNode first = Json.parse(send("c2d-count", "one").body());
        assertThat(first.path("messageId").asText()).matches("[0-9a-f-]{36}");
        send("c2d-count", "two");
        await().atMost(HubFixture.WAIT).until(() -> fixture.hub().registry().getDevice("c2d-count")
                .cloudToDeviceMessageCount() == 2);
        JsonNode device = Json.parse(fixture.send("GET", "/devices/c2d-count", null).body());
        assertThat(device.path("cloudToDeviceMessageCount").asInt()).isEqualTo(2);
    }

    @Test
    void unackedMessagesAreRedeliveredOnReconnectUntilAcknowledged() throws Exception {
        Identity d = fixture.device("c2d-redeliver");
        send("c2d-redeliver", "m1", "iothub-messageid", "r1");
        send("c2d-redeliver", "m2", "iothub-messageid", "r2");
        try (RawDevice device = RawDevice.connect(fixture, d, false)) {
            device.subscribeC2d();
            assertThat(device.next().text()).isEqualTo("m1");
            Received m2 = device.next();
            assertThat(m2.text()).isEqualTo("m2");
            device.ack(m2); // only the second one
            await().atMost(HubFixture.WAIT).until(() -> fixture.hub().cloudToDeviceQueue().depth("c2d-redeliver") == 1);
        }
        // persistent session: no SUBSCRIBE needed; the unacknowledged m1 comes again
        try (RawDevice device = RawDevice.connect(fixture, d, false)) {
            Received again = device.next();
            assertThat(again.text()).isEqualTo("m1");
            device.ack(again);
            device.assertNothingWithin(Duration.ofMillis(500));
        }
        await().atMost(HubFixture.WAIT).until(() -> fixture.hub().cloudToDeviceQueue().depth("c2d-redeliver") == 0);
        assertThat(fixture.hub().cloudToDeviceQueue().pending("c2d-redeliver")).isEmpty();
    }

    @Test
    void aMessageSentWhileTheDeviceIsConnectedArrivesAtOnce() throws Exception {
        Identity d = fixture.device("c2d-live");
        try (RawDevice device = RawDevice.connect(fixture, d, true)) {
            device.subscribeC2d();
            send("c2d-live", "live!");
            Received m = device.next();
            assertThat(m.text()).isEqualTo("live!");
            device.ack(m);
        }
    }

    @Test
    void expiredMessagesAreNotDelivered() throws Exception {
        Identity d = fixture.device("c2d-expiry");
        send("c2d-expiry", "short-lived", "iothub-ttl", "1");
        send("c2d-expiry", "long-lived", "iothub-expiry", Instant.now().plusSeconds(600).toString());
        Thread.sleep(1500);
        try (RawDevice device = RawDevice.connect(fixture, d, true)) {
            device.subscribeC2d();
            Received m = device.next();
            assertThat(m.text()).isEqualTo("long-lived");
            device.ack(m);
            device.assertNothingWithin(Duration.ofMillis(500));
        }
    }

    @Test
    void limitsAndErrors() {
        fixture.device("c2d-limits");
        HttpResponse<String> tooBig = fixture.send("POST", "/devices/c2d-limits/messages/deviceBound",
                new byte[64 * 1024 + 1]);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("413001");
        assertThat(fixture.send("POST", "/devices/c2d-limits/messages/deviceBound", new byte[64 * 1024]).statusCode())
                .isEqualTo(202);

        assertThat(send("c2d-nobody-home", "x").body()).contains("404001");
        assertThat(send("c2d-limits", "x", "iothub-ttl", "172801").statusCode()).isEqualTo(400);
        assertThat(send("c2d-limits", "x", "iothub-ttl", "0").statusCode()).isEqualTo(400);
        assertThat(send("c2d-limits", "x", "iothub-expiry", "yesterday").statusCode()).isEqualTo(400);
        assertThat(send("c2d-limits", "x", "iothub-expiry", Instant.now().minusSeconds(5).toString()).statusCode())
                .isEqualTo(400);

        for (int i = 1; i < DurableCloudToDeviceQueue.MAX_DEPTH; i++) {
            assertThat(send("c2d-limits", "m" + i).statusCode()).isEqualTo(202);
        }
        HttpResponse<String> full = send("c2d-limits", "one too many");
        assertThat(full.statusCode()).isEqualTo(403);
        assertThat(full.body()).contains("403004");
    }

    @Test
    void aServiceTokenWithoutServiceConnectIsRefused() {
        fixture.device("c2d-rights");
        var policy = fixture.hub().accessPolicies().get("registryRead");
        String token = SasTokens.create(fixture.hub().hostName().toLowerCase(java.util.Locale.ROOT),
                policy.primaryKey(), Instant.now().plusSeconds(600).getEpochSecond(), policy.keyName());
        HttpResponse<String> r = fixture.send("POST", "/devices/c2d-rights/messages/deviceBound",
                "x".getBytes(StandardCharsets.UTF_8), "Authorization", token);
        assertThat(r.statusCode()).isEqualTo(401);
    }

    // ---- a raw device (Paho, manual acks) ----

    record Received(String topic, byte[] payload, int qos, int id) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    static final class RawDevice implements AutoCloseable {
        final MqttClient client;
        final String deviceId;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        private RawDevice(MqttClient client, String deviceId) {
            this.client = client;
            this.deviceId = deviceId;
        }

        static RawDevice connect(HubFixture fixture, Identity d, boolean cleanSession) throws Exception {
            String deviceId = d.key().deviceId();
            MqttClient client = new MqttClient("ssl://127.0.0.1:" + fixture.mqttPort(), deviceId,
                    new MemoryPersistence());
            client.setTimeToWait(10_000);
            client.setManualAcks(true);
            RawDevice device = new RawDevice(client, deviceId);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    device.received.add(new Received(topic, message.getPayload(), message.getQos(), message.getId()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(cleanSession);
            o.setUserName(fixture.hub().hostName() + "/" + deviceId + "/?api-version=2020-09-30");
            o.setPassword(SasTokens.create(fixture.hub().hostName() + "/devices/" + deviceId, d.primaryKey(),
                    Instant.now().plusSeconds(3600).getEpochSecond(), null).toCharArray());
            o.setAutomaticReconnect(false);
            o.setSocketFactory(TestHub.sslContextTrusting(fixture.hub().caCertificatePem()).getSocketFactory());
            client.connect(o);
            return device;
        }

        void subscribeC2d() throws Exception {
            client.subscribe("devices/" + deviceId + "/messages/devicebound/#", 1);
        }

        Received next() throws InterruptedException {
            Received r = received.poll(HubFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r).as("a C2D delivery within " + HubFixture.WAIT).isNotNull();
            return r;
        }

        void assertNothingWithin(Duration d) throws InterruptedException {
            assertThat(received.poll(d.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        }

        void ack(Received r) throws Exception {
            client.messageArrivedComplete(r.id(), r.qos());
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
