package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.TopicFilter;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one connection (reference §2.7): only the SDK filters of this identity are granted (others
 * get 0x80, the connection stays); QoS is capped at 1; a persistent session's SUBSCRIBE/UNSUBSCRIBE is acknowledged
 * only after the backend's {@link SessionStore} made it durable (the official clients never subscribe again).
 * Handlers run on the connection's context; {@link #contains} may be read on any thread (concurrent map).
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final MqttEndpoint endpoint;
    private final Context context;
    private final IdentityKey key;
    private final String clientId;
    private final boolean persistent;
    private final SessionStore sessions;
    private final BooleanSupplier closed;
    private final Consumer<Map<String, Integer>> afterSubscribe;
    private final Map<String, Integer> filters;

    Subscriptions(MqttEndpoint endpoint, Context context, IdentityKey key, Map<String, Integer> session,
            SessionStore sessions, BooleanSupplier closed, Consumer<Map<String, Integer>> afterSubscribe) {
        this.endpoint = endpoint;
        this.context = context;
        this.key = key;
        this.clientId = endpoint.clientIdentifier();
        this.persistent = !endpoint.isCleanSession();
        this.sessions = sessions;
        this.closed = closed;
        this.afterSubscribe = afterSubscribe;
        this.filters = new ConcurrentHashMap<>(session);
    }

    boolean contains(String filter) {
        return filters.containsKey(filter);
    }

    /** CONNACK's session-present flag: a persistent session with stored subscriptions. */
    boolean sessionPresent() {
        return persistent && !filters.isEmpty();
    }

    int size() {
        return filters.size();
    }

    void onSubscribe(MqttSubscribeMessage m) {
        LOG.debug("{}: SUBSCRIBE {}", key, m.topicSubscriptions().stream().map(t -> t.topicName()).toList());
        List<MqttQoS> granted = new ArrayList<>();
        Map<String, Integer> added = new LinkedHashMap<>();
        m.topicSubscriptions().forEach(s -> {
            String filter = s.topicName();
            if (!allowed(key, filter)) {
                LOG.info("{}: SUBSCRIBE to {} refused (0x80): not a topic of this identity", key,
                        DeviceConnection.abbreviate(filter));
                granted.add(MqttQoS.FAILURE);
                return;
            }
            int qos = Math.min(s.qualityOfService().value(), 1);
            added.put(filter, qos);
            granted.add(MqttQoS.valueOf(qos));
        });
        filters.putAll(added);
        Runnable ack = () -> {
            if (!closed.getAsBoolean()) {
                endpoint.subscribeAcknowledge(m.messageId(), granted);
                afterSubscribe.accept(added);
            }
        };
        if (!persistent || added.isEmpty()) {
            ack.run();
            return;
        }
        Futures.call(() -> sessions.add(clientId, added)).whenComplete((v, e) -> context.runOnContext(x -> {
            if (e != null) {
                LOG.error("{}: could not persist subscriptions {}", key, added.keySet(), e);
            }
            ack.run();
        }));
    }

    void onUnsubscribe(MqttUnsubscribeMessage m) {
        List<String> topics = m.topics();
        topics.forEach(filters::remove);
        if (!persistent) {
            endpoint.unsubscribeAcknowledge(m.messageId());
            return;
        }
        Futures.call(() -> sessions.remove(clientId, topics)).whenComplete((v, e) -> context.runOnContext(x -> {
            if (e != null) {
                LOG.error("{}: could not persist unsubscribe of {}", key, topics, e);
            }
            if (!closed.getAsBoolean()) {
                endpoint.unsubscribeAcknowledge(m.messageId());
            }
        }));
    }

    /** Only the SDK filters (reference §2.7), and only those of this identity. */
    static boolean allowed(IdentityKey key, String filter) {
        Optional<TopicFilter> f = TopicFilter.parse(filter);
        if (f.isEmpty()) {
            return false;
        }
        TopicFilter t = f.get();
        return switch (t.kind()) {
            case DEVICE_BOUND -> !key.isModule() && t.deviceId().equals(key.deviceId());
            case MODULE_DEVICE_BOUND, MODULE_INPUTS -> key.isModule() && t.deviceId().equals(key.deviceId())
                    && t.moduleId().equals(key.moduleId());
            case TWIN_RESPONSES, TWIN_DESIRED, METHODS -> true;
        };
    }

    /**
     * The filter whose subscription asks for {@link Deliveries}: a device's C2D filter, a module's inputs filter
     * (the edge hub delivers module inputs there; the hub has no deliveries for modules).
     */
    static String deliveryFilter(IdentityKey key) {
        return key.isModule() ? TopicFilter.moduleInputs(key.deviceId(), key.moduleId()).filter()
                : TopicFilter.deviceBound(key.deviceId()).filter();
    }
}
