package dev.brink.hub.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A test hub with an ephemeral MQTT port, identities, SAS tokens and raw Paho MQTT 3.1.1 clients. */
final class MqttTestSupport {
    static final Duration WAIT = Duration.ofSeconds(10);

    private MqttTestSupport() {
    }

    static TestHub startHub() {
        return TestHub.start(b -> b.mqttPort(0));
    }

    static Identity device(TestHub hub, String deviceId) {
        return hub.hub().registry().putDevice(deviceId, Json.object(), null);
    }

    static Identity module(TestHub hub, String deviceId, String moduleId) {
        return hub.hub().registry().putModule(deviceId, moduleId, Json.object(), null);
    }

    /** A token like the Node SDK makes (sr URL-encoded), valid for an hour. */
    static String token(TestHub hub, Identity identity) {
        return token(hub, identity, Instant.now().plusSeconds(3600).getEpochSecond());
    }

    static String token(TestHub hub, Identity identity, long expiresAt) {
        return SasTokens.create(audience(hub, identity), identity.primaryKey(), expiresAt, null);
    }

    /** A token like the Java device SDK makes: sr NOT URL-encoded, fields in sig, se, sr order. */
    static String rawToken(TestHub hub, Identity identity) {
        String sr = audience(hub, identity);
        String se = Long.toString(Instant.now().plusSeconds(3600).getEpochSecond());
        String sig = SasTokens.signature(identity.secondaryKey(), sr, se);
        return "SharedAccessSignature sig=" + java.net.URLEncoder.encode(sig, java.nio.charset.StandardCharsets.UTF_8)
                + "&se=" + se + "&sr=" + sr;
    }

    static String audience(TestHub hub, Identity identity) {
        return hub.hub().hostName() + identity.key().resourceName();
    }

    static String clientId(Identity identity) {
        return identity.key().isModule() ? identity.key().deviceId() + "/" + identity.key().moduleId()
                : identity.key().deviceId();
    }

    static String username(TestHub hub, Identity identity) {
        return hub.hub().hostName() + "/" + clientId(identity)
                + "/?api-version=2020-09-30&DeviceClientType=brink-test%2F1.0";
    }

    static TestClient connect(TestHub hub, Identity identity) throws MqttException {
        return connect(hub, identity, token(hub, identity), true);
    }

    static TestClient connect(TestHub hub, Identity identity, String password, boolean cleanSession)
            throws MqttException {
        TestClient client = new TestClient(hub, clientId(identity));
        client.connect(username(hub, identity), password, cleanSession);
        return client;
    }

    static MqttConnectOptions options(TestHub hub, String username, String password, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(cleanSession);
        o.setUserName(username);
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        o.setKeepAliveInterval(60);
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(1000);
        o.setSocketFactory(TestHub.sslContextTrusting(hub.hub().caCertificatePem()).getSocketFactory());
        return o;
    }

    /** Events appended after {@code from} until {@code count} are there (or the wait ends). */
    static List<DeviceEvent> events(TestHub hub, long from, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<DeviceEvent> events = hub.hub().eventLog().read(from, 10_000);
        while (events.size() < count && System.nanoTime() < deadline) {
            sleep(20);
            events = hub.hub().eventLog().read(from, 10_000);
        }
        return events;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode json(String text) {
        return Json.parseObject(text);
    }

    /** A synchronous Paho client that queues whatever the hub delivers and remembers how it was closed. */
    static final class TestClient implements AutoCloseable {
        final MqttClient client;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        volatile Throwable connectionLost;

        TestClient(TestHub hub, String clientId) throws MqttException {
            this(hub, "ssl://127.0.0.1:" + hub.hub().mqttPort(), clientId);
        }

        /** A client of {@code serverUri}: {@code ssl://} or {@code wss://} (MQTT over WebSocket). */
        TestClient(TestHub hub, String serverUri, String clientId) throws MqttException {
            this.hub = hub;
            this.client = new MqttClient(serverUri, clientId, new MemoryPersistence());
            client.setTimeToWait(WAIT.toMillis());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    connectionLost = cause;
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(new Received(topic, message.getPayload(), message.getQos()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }

        private final TestHub hub;

        void connect(String username, String password, boolean cleanSession) throws MqttException {
            client.connect(options(hub, username, password, cleanSession));
        }

        void publish(String topic, byte[] payload, int qos) throws MqttException {
            client.publish(topic, payload, qos, false);
        }

        void publish(String topic, String payload, int qos) throws MqttException {
            publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos);
        }

        void subscribe(String filter, int qos) throws MqttException {
            client.subscribe(filter, qos);
        }

        /** The next delivery whose topic starts with {@code prefix} (others are skipped). */
        Received next(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                Received r = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (r == null) {
                    throw new AssertionError("no message on " + prefix + " within " + WAIT);
                }
                if (r.topic().startsWith(prefix)) {
                    return r;
                }
            }
        }

        boolean isConnected() {
            return client.isConnected();
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
            } catch (MqttException ignored) {
                // closing anyway
            }
            try {
                client.close(true);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
    }

    record Received(String topic, byte[] payload, int qos) {
        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
