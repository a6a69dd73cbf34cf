package dev.brink.edge.e2e;

import dev.brink.core.sas.SasTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A raw MQTT 3.1.1 client (Paho) of the edge hub with IoT Hub topics and a SAS token, for the scope tests: it
 * queues what it receives and remembers a lost connection.
 */
final class RawMqtt implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    final MqttClient client;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    volatile Throwable connectionLost;

    record Received(String topic, String payload) {
    }

    private RawMqtt(String serverUri, String clientId) throws MqttException {
        client = new MqttClient(serverUri, clientId, new MemoryPersistence());
        client.setTimeToWait(WAIT.toMillis());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionLost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /**
     * Connects {@code clientId} ({@code d} or {@code d/m}) with a token for {@code audience} ({@code devices/d} or
     * {@code devices/d/modules/m}) signed with {@code key}; throws the refusal (reason code = CONNACK code).
     */
    static RawMqtt connect(String host, int port, SSLContext tls, String hubName, String clientId, String audience,
            String key) throws MqttException {
        RawMqtt c = new RawMqtt("ssl://" + host + ":" + port, clientId);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setUserName(hubName + "/" + clientId + "/?api-version=2021-04-12");
        o.setPassword(token(hubName, audience, key).toCharArray());
        o.setConnectionTimeout((int) WAIT.toSeconds());
        o.setAutomaticReconnect(false);
        o.setSocketFactory(tls.getSocketFactory());
        try {
            c.client.connect(o);
            return c;
        } catch (MqttException e) {
            c.client.close(true);
            throw e;
        }
    }

    static String token(String hubName, String audience, String key) {
        return SasTokens.create(hubName + "/" + audience, key, Instant.now().plusSeconds(3600).getEpochSecond(), null);
    }

    /** The granted QoS of one filter; 0x80 when refused. */
    int subscribe(String filter) throws MqttException {
        try {
            return client.subscribeWithResponse(filter, 1).getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                return 0x80;
            }
            throw e;
        }
    }

    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** The next message whose topic starts with {@code prefix} (others are skipped). */
    Received next(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Received r = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("nothing on " + prefix + " within " + WAIT);
            }
            if (r.topic().startsWith(prefix)) {
                return r;
            }
        }
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
            // nothing left to release
        }
    }
}
