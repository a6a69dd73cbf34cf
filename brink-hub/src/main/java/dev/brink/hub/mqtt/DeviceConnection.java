package dev.brink.hub.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.IotHubTopics;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.message.TopicFilter;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.core.id.IdentityKey;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted MQTT connection of a device or module. All its state is confined to its Vert.x event-loop
 * context: handlers run there, and work finishing elsewhere (store, events log) hops back with
 * {@link Context#runOnContext} before touching the endpoint. See README.md for the rules it implements.
 */
final class DeviceConnection {
    /** Device-to-cloud message limit (reference §8). */
    static final int MAX_TELEMETRY_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);

    private final MqttEndpoint endpoint;
    private final Context context;
    private final IdentityKey key;
    private final String clientId;
    private final boolean persistent;
    private final EndpointContext env;
    private final Map<String, Integer> subscriptions;
    private final C2dDelivery c2d;
    private final PubackBatch durableAcks;
    private long expiryTimer = -1;
    private boolean closed;

    DeviceConnection(MqttEndpoint endpoint, Context context, IdentityKey key, Map<String, Integer> session,
            EndpointContext env) {
        this.endpoint = endpoint;
        this.context = context;
        this.key = key;
        this.clientId = endpoint.clientIdentifier();
        this.persistent = !endpoint.isCleanSession();
        this.env = env;
        this.subscriptions = new java.util.concurrent.ConcurrentHashMap<>(session);
        this.c2d = new C2dDelivery(endpoint, key, env);
        this.durableAcks = new PubackBatch(context, this::acknowledgeDurable, this::refuse);
    }

    IdentityKey key() {
        return key;
    }

    /** Installs the handlers, sends CONNACK 0 and arms the token-expiry timer. On the connection's context. */
    void start(long tokenExpiresAt) {
        endpoint.publishHandler(this::onPublish);
        endpoint.subscribeHandler(this::onSubscribe);
        endpoint.unsubscribeHandler(this::onUnsubscribe);
        endpoint.publishAcknowledgeHandler(c2d::acknowledged);
        endpoint.exceptionHandler(e -> refuse("connection error: " + e));
        endpoint.closeHandler(v -> onClosed());
        endpoint.accept(persistent && !subscriptions.isEmpty());
        armExpiryTimer(tokenExpiresAt);
        env.connections().register(this);
        env.activity().connected(key);
        LOG.debug("{} connected (clean session {}, {} stored subscriptions)", key, !persistent, subscriptions.size());
        if (subscriptions.containsKey(deviceBoundFilter())) {
            c2d.deliver();
        }
    }

    /**
     * The token is valid until {@code se}; a token accepted only thanks to the 5-minute clock-skew allowance
     * gets the rest of that allowance. MQTT has no in-band renewal, so the client reconnects with a new one.
     */
    private void armExpiryTimer(long expiresAt) {
        long nowMs = env.clock().millis();
        long endMs = expiresAt * 1000;
        if (endMs <= nowMs) {
            endMs += SasTokens.MAX_CLOCK_SKEW.toMillis();
        }
        expiryTimer = env.vertx().setTimer(Math.max(1, endMs - nowMs), id -> refuse("SAS token expired"));
    }

    // ---- inbound PUBLISH ----

    private void onPublish(MqttPublishMessage m) {
        LOG.debug("{}: PUBLISH qos {} on {}", key, m.qosLevel(), abbreviate(m.topicName()));
        if (m.qosLevel() == MqttQoS.EXACTLY_ONCE) {
            refuse("QoS 2 PUBLISH on " + abbreviate(m.topicName()) + " (IoT Hub supports QoS 0 and 1)");
            return;
        }
        Optional<IotHubTopic> parsed = IotHubTopics.tryParse(m.topicName());
        if (parsed.isEmpty()) {
            refuse("PUBLISH to unknown topic " + abbreviate(m.topicName()));
            return;
        }
        IotHubTopic topic = parsed.get();
        if (topic instanceof IotHubTopic.Telemetry t) {
            onTelemetry(m, t);
            return;
        }
        if (topic instanceof IotHubTopic.TwinGet g) {
            ackNow(m);
            env.twins().get(key).onSuccess(r -> twinReply(g.requestId(), r));
        } else if (topic instanceof IotHubTopic.TwinReportedPatch p) {
            ackNow(m);
            env.twins().patchReported(key, p.version(), m.payload().getBytes())
                    .thenAccept(r -> context.runOnContext(v -> twinReply(p.requestId(), r)));
        } else if (topic instanceof IotHubTopic.MethodResponse r) {
            ackNow(m);
            env.connections().methodResponse(key, r.requestId(), r.status(), m.payload().getBytes());
        } else {
            refuse("devices may not publish to " + abbreviate(m.topicName()));
            return;
        }
        env.activity().active(key);
    }

    /**
     * Telemetry is appended to the events log and acknowledged only once durable; PUBACKs leave in the
     * order of the PUBLISHes because the log completes appends in order and this context runs them in order.
     */
    private void onTelemetry(MqttPublishMessage m, IotHubTopic.Telemetry t) {
        if (!t.deviceId().equals(key.deviceId()) || !java.util.Objects.equals(t.moduleId(), key.moduleId())) {
            refuse("telemetry topic " + abbreviate(m.topicName()) + " names another identity");
            return;
        }
        int size = m.payload().length();
        if (size > MAX_TELEMETRY_BYTES) {
            refuse("telemetry payload of " + size + " bytes exceeds " + MAX_TELEMETRY_BYTES);
            return;
        }
        PropertyBag.Parsed bag = t.properties();
        Map<String, String> system = new LinkedHashMap<>(bag.systemProperties());
        // The hub stamps the authenticated identity, whatever the client wrote (as IoT Hub and edgeHub do).
        system.put("$.cdid", key.deviceId());
        if (key.isModule()) {
            system.put("$.cmid", key.moduleId());
        } else {
            system.remove("$.cmid");
        }
        Map<String, String> app = bag.applicationProperties();
        if (m.isRetain()) {
            app = new LinkedHashMap<>(app);
            app.put("x-opt-retain", "true");
        }
        DeviceEvent event = new DeviceEvent(null, env.clock().instant(), key.deviceId(), key.moduleId(), system, app,
                m.payload().getBytes());
        boolean ack = m.qosLevel() == MqttQoS.AT_LEAST_ONCE;
        int packetId = m.messageId();
        CompletableFuture<Long> appended = env.events().append(event);
        appended.whenComplete((offset, e) -> {
            if (e != null) {
                durableAcks.failed("events log failed: " + e.getMessage());
            } else if (ack) {
                durableAcks.add(packetId);
            }
        });
        env.activity().active(key);
    }

    /** Sends the PUBACKs of durable telemetry; {@link PubackBatch} calls it on this connection's context. */
    private void acknowledgeDurable(int packetId) {
        if (!closed) {
            endpoint.publishAcknowledge(packetId);
        }
    }

    private void ackNow(MqttPublishMessage m) {
        if (m.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            endpoint.publishAcknowledge(m.messageId());
        }
    }

    /** Twin responses go out at QoS 0 (reference §2.5), rid first, then {@code $version}. */
    private void twinReply(String rid, TwinRequests.Reply r) {
        LOG.debug("{}: twin response {} for rid {} (closed {})", key, r.status(), rid, closed);
        if (!closed) {
            String topic = new IotHubTopic.TwinResponse(r.status(), rid, r.version()).topic();
            endpoint.publish(topic, Buffer.buffer(r.body()), MqttQoS.AT_MOST_ONCE, false, false);
        }
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    private void onSubscribe(MqttSubscribeMessage m) {
        LOG.debug("{}: SUBSCRIBE {}", key, m.topicSubscriptions().stream().map(t -> t.topicName()).toList());
        List<MqttQoS> granted = new ArrayList<>();
        Map<String, Integer> added = new LinkedHashMap<>();
        m.topicSubscriptions().forEach(s -> {
            String filter = s.topicName();
            if (!allowed(filter)) {
                LOG.info("{}: SUBSCRIBE to {} refused (0x80): not a topic of this identity", key, abbreviate(filter));
                granted.add(MqttQoS.FAILURE);
                return;
            }
            int qos = Math.min(s.qualityOfService().value(), 1);
            added.put(filter, qos);
            granted.add(MqttQoS.valueOf(qos));
        });
        subscriptions.putAll(added);
        Runnable ack = () -> {
            if (!closed) {
                endpoint.subscribeAcknowledge(m.messageId(), granted);
                afterSubscribe(added);
            }
        };
        if (!persistent || added.isEmpty()) {
            ack.run();
            return;
        }
        // SUBACK only once the subscription is durable: the official clients never subscribe again.
        env.store().write(tx -> {
            tx.sessions().addSubscriptions(clientId, added);
            return null;
        }).whenComplete((v, e) -> context.runOnContext(x -> {
            if (e != null) {
                LOG.error("{}: could not persist subscriptions {}", key, added.keySet(), e);
            }
            ack.run();
        }));
    }

    private void afterSubscribe(Map<String, Integer> added) {
        if (added.containsKey(TopicFilter.METHODS)) {
            env.connections().methodsSubscribed(key);
        }
        if (added.containsKey(deviceBoundFilter())) {
            c2d.deliver();
        }
    }

    private void onUnsubscribe(MqttUnsubscribeMessage m) {
        List<String> topics = m.topics();
        topics.forEach(subscriptions::remove);
        if (!persistent) {
            endpoint.unsubscribeAcknowledge(m.messageId());
            return;
        }
        env.store().write(tx -> {
            tx.sessions().removeSubscriptions(clientId, topics);
            return null;
        }).whenComplete((v, e) -> context.runOnContext(x -> {
            if (e != null) {
                LOG.error("{}: could not persist unsubscribe of {}", key, topics, e);
            }
            if (!closed) {
                endpoint.unsubscribeAcknowledge(m.messageId());
            }
        }));
    }

    /** Only the SDK filters (reference §2.7), and only those of this identity. */
    private boolean allowed(String filter) {
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

    private String deviceBoundFilter() {
        return key.isModule() ? "" : TopicFilter.deviceBound(key.deviceId()).filter();
    }

    // ---- outbound, called from any thread ----

    /** Read on any thread (the map is concurrent), for {@link DeviceConnections#isOnline}. */
    boolean subscribedToMethods() {
        return subscriptions.containsKey(TopicFilter.METHODS);
    }

    void publishMethodRequest(String methodName, String rid, byte[] body) {
        context.runOnContext(v -> {
            if (!closed) {
                String topic = new IotHubTopic.MethodRequest(methodName, rid).topic();
                endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_MOST_ONCE, false, false);
            }
        });
    }

    /** Desired patches go only to a connection subscribed to them, at QoS 0, {@code $version} in topic and body. */
    void publishDesired(ObjectNode patch) {
        byte[] body = Json.write(patch).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long version = patch.path("$version").asLong();
        context.runOnContext(v -> {
            if (!closed && subscriptions.containsKey(TopicFilter.TWIN_DESIRED)) {
                String topic = new IotHubTopic.TwinDesiredPatch(version).topic();
                endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_MOST_ONCE, false, false);
            }
        });
    }

    void deliverC2d() {
        context.runOnContext(v -> {
            if (!closed && subscriptions.containsKey(deviceBoundFilter())) {
                c2d.deliver();
            }
        });
    }

    void takenOver() {
        context.runOnContext(v -> {
            LOG.info("{}: connection taken over by a new connection with the same client id", key);
            endpoint.close();
        });
    }

    void close() {
        context.runOnContext(v -> endpoint.close());
    }

    // ---- end of the connection ----

    /** Closes the connection, logging why (the only way to refuse a PUBLISH in MQTT 3.1.1). */
    private void refuse(String why) {
        if (!closed) {
            LOG.warn("{}: closing the connection: {}", key, why);
            endpoint.close();
        }
    }

    private void onClosed() {
        closed = true;
        env.vertx().cancelTimer(expiryTimer);
        c2d.stop();
        if (env.connections().unregister(this)) {
            env.activity().disconnected(key);
        }
        LOG.debug("{} disconnected", key);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
