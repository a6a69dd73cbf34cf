package dev.brink.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.IotHubTopics;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.message.TopicFilter;
import dev.brink.core.sas.SasTokens;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted MQTT connection of a device or module: topic dispatch and refusals, subscriptions, PUBACK order,
 * twin replies, method requests, desired pushes, deliveries, the token timer. All its state is confined to its
 * Vert.x event-loop context: handlers run there, and work finishing elsewhere (the backend's futures) hops back
 * with {@link Context#runOnContext} before touching the endpoint. See README.md for the rules it implements.
 */
final class DeviceConnection {
    /** Device-to-cloud message limit (reference §8). */
    static final int MAX_TELEMETRY_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);

    private final MqttEndpoint endpoint;
    private final Context context;
    private final IdentityKey key;
    private final EndpointContext env;
    private final Subscriptions subscriptions;
    private final String deliveryFilter;
    private final DeliverySender deliveries;
    private final ChannelWriter writer;
    private final PubackBatch durableAcks;
    private long expiryTimer = -1;
    private boolean closed;

    DeviceConnection(MqttEndpoint endpoint, Context context, IdentityKey key, Map<String, Integer> session,
            EndpointContext env) {
        this.endpoint = endpoint;
        this.context = context;
        this.key = key;
        this.env = env;
        this.subscriptions = new Subscriptions(endpoint, context, key, session, env.sessions(), () -> closed,
                this::afterSubscribe);
        this.deliveryFilter = Subscriptions.deliveryFilter(key);
        this.writer = ChannelWriter.of(endpoint);
        this.deliveries = new DeliverySender(writer, context, key, env);
        this.durableAcks = new PubackBatch(context, this::acknowledgeDurable, this::flushDurable, this::refuse);
    }

    IdentityKey key() {
        return key;
    }

    /** Installs the handlers, sends CONNACK 0 and arms the token-expiry timer. On the connection's context. */
    void start(long tokenExpiresAt) {
        endpoint.publishHandler(this::onPublish);
        endpoint.subscribeHandler(subscriptions::onSubscribe);
        endpoint.unsubscribeHandler(subscriptions::onUnsubscribe);
        endpoint.publishAcknowledgeHandler(deliveries::acknowledged);
        endpoint.exceptionHandler(e -> refuse("connection error: " + e));
        endpoint.closeHandler(v -> onClosed());
        endpoint.accept(subscriptions.sessionPresent());
        armExpiryTimer(tokenExpiresAt);
        env.connections().register(this);
        env.listener().connected(key);
        LOG.debug("{} connected (clean session {}, {} stored subscriptions)", key, endpoint.isCleanSession(),
                subscriptions.size());
        if (subscriptions.contains(deliveryFilter)) {
            deliveries.deliver();
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
            answerTwin(g.requestId(), () -> env.backend().getTwin(key));
        } else if (topic instanceof IotHubTopic.TwinReportedPatch p) {
            ackNow(m);
            byte[] patch = m.payload().getBytes();
            answerTwin(p.requestId(), () -> env.backend().patchReported(key, p.version(), patch));
        } else if (topic instanceof IotHubTopic.MethodResponse r) {
            ackNow(m);
            env.connections().methodResponse(key, r.requestId(), r.status(), m.payload().getBytes());
        } else {
            refuse("devices may not publish to " + abbreviate(m.topicName()));
            return;
        }
        env.listener().active(key);
    }

    /**
     * Telemetry (and module outputs) go to the backend and are acknowledged only once it says durable; PUBACKs
     * leave in the order of the PUBLISHes ({@link PubackBatch} releases them in line, whatever order the backend
     * completes in). A refusal or failure closes the connection after the PUBACKs ahead of it.
     */
    private void onTelemetry(MqttPublishMessage m, IotHubTopic.Telemetry t) {
        if (!t.deviceId().equals(key.deviceId()) || !Objects.equals(t.moduleId(), key.moduleId())) {
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
        // The head stamps the authenticated identity, whatever the client wrote (as IoT Hub and edgeHub do).
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
        boolean ack = m.qosLevel() == MqttQoS.AT_LEAST_ONCE;
        InboundMessage message = new InboundMessage(system, app, m.payload().getBytes(), ack, env.clock().instant());
        PubackBatch.Pending pending = durableAcks.expect(ack ? m.messageId() : PubackBatch.NO_ACK);
        Futures.call(() -> env.backend().accept(key, message)).whenComplete((v, e) -> {
            if (e == null) {
                durableAcks.completed(pending);
            } else {
                durableAcks.failed(pending, why(e));
            }
        });
        env.listener().active(key);
    }

    private static String why(Throwable e) {
        Throwable cause = Futures.unwrap(e);
        return cause instanceof MessageRefusedException
                ? "message refused: " + cause.getMessage()
                : "accepting a message failed: " + cause;
    }

    /**
     * Queues the PUBACK of durable telemetry; {@link PubackBatch} calls it on this connection's context, then
     * {@link #flushDurable} once per drain, so a group commit's PUBACKs leave in one TLS record and one write.
     */
    private void acknowledgeDurable(int packetId) {
        if (!closed) {
            writer.puback(packetId);
        }
    }

    private void flushDurable() {
        if (!closed) {
            writer.flush();
        }
    }

    private void ackNow(MqttPublishMessage m) {
        if (m.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            endpoint.publishAcknowledge(m.messageId());
        }
    }

    /** Asks the backend and publishes its reply on this context; a failed future answers 500. */
    private void answerTwin(String rid, Supplier<CompletableFuture<TwinReply>> call) {
        Futures.call(call).whenComplete((r, e) -> context.runOnContext(v -> {
            if (e != null || r == null) {
                LOG.warn("{}: twin request {} failed: {}", key, rid, e == null ? "no reply" : e.toString());
                twinReply(rid, internalError());
            } else {
                twinReply(rid, r);
            }
        }));
    }

    private TwinReply internalError() {
        ObjectNode body = Json.object();
        body.put("errorCode", ErrorCode.ServerError.code());
        body.put("message", "internal error");
        body.put("timestampUtc", env.clock().instant().toString());
        return new TwinReply(ErrorCode.ServerError.httpStatus(), null,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Twin responses go out at QoS 0 (reference §2.5), rid first, then {@code $version}. */
    private void twinReply(String rid, TwinReply r) {
        LOG.debug("{}: twin response {} for rid {} (closed {})", key, r.status(), rid, closed);
        if (!closed) {
            String topic = new IotHubTopic.TwinResponse(r.status(), rid, r.version()).topic();
            endpoint.publish(topic, Buffer.buffer(r.body()), MqttQoS.AT_MOST_ONCE, false, false);
        }
    }

    private void afterSubscribe(Map<String, Integer> added) {
        if (added.containsKey(TopicFilter.METHODS)) {
            env.connections().methodsSubscribed(key);
        }
        if (added.containsKey(deliveryFilter)) {
            deliveries.deliver();
        }
    }

    // ---- outbound, called from any thread ----

    /** Read on any thread, for {@link DeviceConnections#isOnline}. */
    boolean subscribedToMethods() {
        return subscriptions.contains(TopicFilter.METHODS);
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
        byte[] body = Json.write(patch).getBytes(StandardCharsets.UTF_8);
        long version = patch.path("$version").asLong();
        context.runOnContext(v -> {
            if (!closed && subscriptions.contains(TopicFilter.TWIN_DESIRED)) {
                String topic = new IotHubTopic.TwinDesiredPatch(version).topic();
                endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_MOST_ONCE, false, false);
            }
        });
    }

    /** Any thread. Notices that arrive before the connection's context got to the first one make one fetch. */
    void deliveriesAvailable() {
        deliveries.requestDelivery(() -> !closed && subscriptions.contains(deliveryFilter));
    }

    void takenOver() {
        context.runOnContext(v -> {
            LOG.info("{}: connection taken over by a new connection with the same client id", key);
            endpoint.close();
        });
    }

    void close(String why) {
        context.runOnContext(v -> refuse(why));
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
        deliveries.stop();
        if (env.connections().unregister(this)) {
            env.listener().disconnected(key);
        }
        LOG.debug("{} disconnected", key);
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
