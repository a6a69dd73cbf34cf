package dev.brink.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.mqtt.MqttEndpoint;
import java.lang.reflect.Field;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one connection's PUBACKs and QoS 1 PUBLISHes without flushing each one, so that a batch (the PUBACKs of a
 * group commit, the deliveries of one fetch) leaves in one TLS record and one socket write ({@link #flush()})
 * instead of one record and one syscall per packet.
 *
 * <p>Why not {@link MqttEndpoint#publishAcknowledge} and {@link MqttEndpoint#publish}: vertx-mqtt 5.0.x has no
 * write-without-flush, and Vert.x flushes every write made outside a channel read (our PUBACKs are written from a
 * task after the durable commit, our deliveries after a fetch). The endpoint's Netty pipeline is reachable only
 * through its {@code NetSocketInternal}, a private field of {@code MqttEndpointImpl}; packets built with Netty's
 * {@link MqttMessageBuilders} and written on that socket's {@link ChannelHandlerContext} go through the same
 * MqttEncoder and SslHandler the endpoint uses. The endpoint does not track the packet ids of the server's QoS 1
 * PUBLISHes (its PUBACK handler only passes the id on), so this writer numbers them itself; nothing else on a
 * connection publishes at QoS 1 (twin replies, methods and desired patches are QoS 0, which has no id).
 * If a vertx-mqtt version renames the field, the writer falls back to the endpoint's own methods (correct, just
 * slower) and says so once in the log. Confined to the connection's event loop.
 */
final class ChannelWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelWriter.class);
    private static final Field CONN = connField();

    private final MqttEndpoint endpoint;
    private final ChannelHandlerContext channel; // null: fall back to the endpoint's methods
    private boolean unflushed;
    private int lastPacketId;

    private ChannelWriter(MqttEndpoint endpoint, ChannelHandlerContext channel) {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    static ChannelWriter of(MqttEndpoint endpoint) {
        return new ChannelWriter(endpoint, channelOf(endpoint));
    }

    /** True when packets are batched (the pipeline was reachable); false when each one is flushed alone. */
    boolean batching() {
        return channel != null;
    }

    /** Queues a PUBACK; it leaves on the next {@link #flush()}. */
    void puback(int packetId) {
        if (channel == null) {
            endpoint.publishAcknowledge(packetId);
            return;
        }
        channel.write(MqttMessageBuilders.pubAck().packetId(packetId).build(), channel.voidPromise());
        unflushed = true;
    }

    /**
     * Queues a QoS 1 PUBLISH (it leaves on the next {@link #flush()}) and returns its packet id: the next id after
     * the last one, 1 to 65,535 and round again, that {@code inUse} does not hold (the caller's PUBLISHes not yet
     * acknowledged; at most 65,534 of them).
     */
    int publishAtLeastOnce(String topic, byte[] body, IntPredicate inUse) {
        if (channel == null) {
            endpoint.publish(topic, Buffer.buffer(body), MqttQoS.AT_LEAST_ONCE, false, false);
            return endpoint.lastMessageId();
        }
        int id = lastPacketId;
        do {
            id = id == 65_535 ? 1 : id + 1;
        } while (inUse.test(id) && id != lastPacketId);
        lastPacketId = id;
        channel.write(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).retained(false)
                .messageId(id).payload(Unpooled.wrappedBuffer(body)).build(), channel.voidPromise());
        unflushed = true;
        return id;
    }

    /** Sends every packet queued since the last flush. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    private static ChannelHandlerContext channelOf(MqttEndpoint endpoint) {
        if (CONN == null) {
            return null;
        }
        try {
            return CONN.get(endpoint) instanceof NetSocketInternal socket ? socket.channelHandlerContext() : null;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Field connField() {
        try {
            Field f = Class.forName("io.vertx.mqtt.impl.MqttEndpointImpl").getDeclaredField("conn");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("PUBACKs and deliveries are flushed one by one: vertx-mqtt's endpoint socket is not reachable ({})",
                    e.toString());
            return null;
        }
    }
}
