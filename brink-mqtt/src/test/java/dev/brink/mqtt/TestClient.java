package dev.brink.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A raw Paho MQTT 3.1.1 client over TLS (or WSS) to a head; queues what it receives, with the packet ids. */
final class TestClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    record Received(String topic, String body, int messageId, int qos) {
    }

    final MqttAsyncClient client;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    volatile Throwable connectionLost;

    TestClient(String serverUri, String clientId, boolean manualAcks) throws MqttException {
        client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        client.setManualAcks(manualAcks);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionLost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.getId(), message.getQos()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    static TestClient connect(ProtocolHead head, String clientId, boolean manualAcks) throws MqttException {
        return connect("ssl://127.0.0.1:" + head.port(), clientId, manualAcks);
    }

    static TestClient connect(String serverUri, String clientId, boolean manualAcks) throws MqttException {
        TestClient c = new TestClient(serverUri, clientId, manualAcks);
        c.client.connect(options(MemoryBackend.PASSWORD)).waitForCompletion(WAIT.toMillis());
        return c;
    }

    static MqttConnectOptions options(String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setUserName("test-user");
        o.setPassword(password.toCharArray());
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(100);
        o.setSocketFactory(TestTls.get().clientContext.getSocketFactory());
        return o;
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(WAIT.toMillis());
    }

    IMqttDeliveryToken publish(String topic, String body, int qos) throws MqttException {
        return client.publish(topic, body.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    /** The next message received, or an AssertionError after {@link #WAIT}. */
    Received next() throws InterruptedException {
        Received r = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("nothing received within " + WAIT);
        }
        return r;
    }

    void ack(Received r) throws MqttException {
        client.messageArrivedComplete(r.messageId(), r.qos());
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(WAIT.toMillis());
            }
        } catch (MqttException ignored) {
            // already gone
        } finally {
            try {
                client.close(true);
            } catch (MqttException ignored) {
                // already closed
            }
        }
    }
}
