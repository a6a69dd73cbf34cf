package dev.brink.hub.mqtt;

import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.PropertyBag;
import dev.brink.hub.c2d.PendingC2d;
import dev.brink.core.id.IdentityKey;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery side of cloud-to-device messages for one device connection (reference §2.3): pending
 * messages of the durable {@link dev.brink.hub.c2d.CloudToDeviceQueue} are published at QoS 1 on
 * {@code devices/{d}/messages/devicebound/{bag}} with {@code %24}-encoded system properties first; a PUBACK
 * completes the message in the queue. Whatever is not acknowledged stays pending in the queue and is
 * delivered again on the next connection (MQTT 3.1.1 redelivers only on reconnect). Confined to the
 * connection's context; the queue is called on worker threads.
 */
final class C2dDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(C2dDelivery.class);

    private final MqttEndpoint endpoint;
    private final IdentityKey key;
    private final EndpointContext env;
    private final Map<Integer, String> inFlight = new HashMap<>();
    // Ids handed to this connection: not delivered twice on it, even while their completion is being written.
    private final Set<String> delivered = new HashSet<>();
    private boolean fetching;
    private boolean fetchAgain;
    private boolean stopped;

    C2dDelivery(MqttEndpoint endpoint, IdentityKey key, EndpointContext env) {
        this.endpoint = endpoint;
        this.key = key;
        this.env = env;
    }

    /** Fetches the device's pending messages and publishes those not yet handed to this connection. */
    void deliver() {
        if (stopped || key.isModule()) {
            return;
        }
        if (fetching) {
            fetchAgain = true;
            return;
        }
        fetching = true;
        env.vertx().executeBlocking(() -> env.c2d().pending(key.deviceId()), false).onComplete(ar -> {
            fetching = false;
            if (ar.failed()) {
                LOG.warn("{}: could not read pending C2D messages: {}", key, ar.cause().toString());
            } else {
                publish(ar.result());
            }
            if (fetchAgain) {
                fetchAgain = false;
                deliver();
            }
        });
    }

    private void publish(List<PendingC2d> pending) {
        for (PendingC2d p : pending) {
            if (stopped || !delivered.add(p.id())) {
                continue;
            }
            String topic = new IotHubTopic.DeviceBound(key.deviceId(), null,
                    PropertyBag.encodeForDelivery(p.message())).topic();
            endpoint.publish(topic, Buffer.buffer(p.message().body()), MqttQoS.AT_LEAST_ONCE, false, false);
            inFlight.put(endpoint.lastMessageId(), p.id());
            // Counts deliveries (non-blocking): the queue gives a message up after too many (IoT Hub: 100).
            env.c2d().delivering(key.deviceId(), p.id());
        }
    }

    /** PUBACK from the device: the message is complete. */
    void acknowledged(Integer packetId) {
        String id = inFlight.remove(packetId);
        if (id == null) {
            return;
        }
        env.vertx().executeBlocking(() -> env.c2d().complete(key.deviceId(), id), false)
                .onFailure(e -> LOG.warn("{}: could not complete C2D message {}: {}", key, id, e.toString()));
    }

    void stop() {
        stopped = true;
        inFlight.clear();
    }
}
