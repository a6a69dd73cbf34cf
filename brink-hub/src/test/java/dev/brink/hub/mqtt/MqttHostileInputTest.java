package dev.brink.hub.mqtt;

import static dev.brink.hub.mqtt.MqttTestSupport.connect;
import static dev.brink.hub.mqtt.MqttTestSupport.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.mqtt.MqttTestSupport.TestClient;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import dev.brink.mqtt.ProtocolHead;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and malformed input from raw MQTT clients: each gets its documented refusal, and a healthy client
 * connected alongside keeps getting PUBACKs and twin responses throughout.
 */
class MqttHostileInputTest {
    private static TestHub hub;
    private static Identity healthyDevice;
    private TestClient healthy;

    @BeforeAll
    static void start() {
        hub = MqttTestSupport.startHub();
        healthyDevice = device(hub, "healthy");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void connectHealthy() throws Exception {
        healthy = connect(hub, healthyDevice);
        healthy.subscribe("$iothub/twin/res/#", 1);
        assertHealthyWorks();
    }

    @AfterEach
    void checkHealthy() throws Exception {
        assertHealthyWorks();
        healthy.close();
    }

    private void assertHealthyWorks() throws Exception {
        healthy.publish("devices/healthy/messages/events/", "ok", 1); // returns after the PUBACK
        String rid = Long.toString(System.nanoTime());
        healthy.publish("$iothub/twin/GET/?$rid=" + rid, "", 0);
        assertThat(healthy.next("$iothub/twin/res/200/?$rid=" + rid).payload()).isNotEmpty();
        assertThat(healthy.isConnected()).isTrue();
    }

    @Test
    void anotherDevicesTopicClosesTheConnection() throws Exception {
        Identity d = device(hub, "hostile-topic");
        device(hub, "victim");
        try (TestClient c = connect(hub, d)) {
            long before = hub.hub().eventLog().nextOffset();
            assertThatThrownBy(() -> c.publish("devices/victim/messages/events/", "spoof", 1))
                    .isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
            assertNoEventFrom("hostile-topic", before);
        }
    }

    @Test
    void oversizedPayloadIsRefusedWithoutPuback() throws Exception {
        Identity d = device(hub, "hostile-big");
        try (TestClient c = connect(hub, d)) {
            long before = hub.hub().eventLog().nextOffset();
            assertThatThrownBy(() -> c.publish("devices/hostile-big/messages/events/", new byte[300 * 1024], 1))
                    .isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
            assertNoEventFrom("hostile-big", before);
        }
    }

    @Test
    void qos2PublishClosesTheConnection() throws Exception {
        Identity d = device(hub, "hostile-qos2");
        try (TestClient c = connect(hub, d)) {
            assertThatThrownBy(() -> c.publish("devices/hostile-qos2/messages/events/", "x", 2))
                    .isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
        }
    }

    @Test
    void unknownTopicAndForeignSubscriptionAreRefused() throws Exception {
        Identity d = device(hub, "hostile-sub");
        try (TestClient c = connect(hub, d)) {
            // Paho raises REASON_CODE_SUBSCRIBE_FAILED (128) when the SUBACK grants 0x80
            assertThatThrownBy(() -> c.subscribe("devices/healthy/messages/devicebound/#", 1))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(128));
            assertThatThrownBy(() -> c.subscribe("#", 1)).isInstanceOf(MqttException.class);
            assertThat(c.isConnected()).isTrue();
            assertThatThrownBy(() -> c.publish("some/other/topic", "x", 1)).isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
        }
    }

    @Test
    void garbageBeforeConnectIsDropped() throws Exception {
        try (SSLSocket socket = (SSLSocket) TestHub.sslContextTrusting(hub.hub().caCertificatePem()).getSocketFactory()
                .createSocket("127.0.0.1", hub.hub().mqttPort())) {
            socket.setSoTimeout((ProtocolHead.CONNECT_TIMEOUT_SECONDS + 10) * 1000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u00ff\u0010garbage".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            try {
                while (in.read() >= 0) {
                    // drain until the hub closes
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the hub kept a garbage connection open", e);
            } catch (java.io.IOException closed) {
                // a reset is a close too
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThanOrEqualTo(Duration.ofSeconds(ProtocolHead.CONNECT_TIMEOUT_SECONDS + 5));
        }
    }

    @Test
    void aFloodOfBadConnectsIsRefusedWhileHealthyClientsWork() throws Exception {
        Identity d = device(hub, "hostile-flood");
        String forged = SasTokens.create(MqttTestSupport.audience(hub, d), Keys.generateKey(),
                Instant.now().plusSeconds(600).getEpochSecond(), null);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    try (TestClient c = new TestClient(hub, "hostile-flood")) {
                        c.connect(MqttTestSupport.username(hub, d), forged, true);
                        return 0;
                    } catch (MqttException e) {
                        return e.getReasonCode();
                    }
                }, pool));
            }
            for (int i = 0; i < 5; i++) {
                assertHealthyWorks(); // while the flood runs
            }
            for (CompletableFuture<Integer> a : attempts) {
                assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(5);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertNoEventFrom(String deviceId, long fromOffset) {
        MqttTestSupport.sleep(200);
        assertThat(hub.hub().eventLog().read(fromOffset, 10_000)).extracting(DeviceEvent::deviceId)
                .doesNotContain(deviceId);
    }
}
