package dev.brink.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.mqtt.MqttEndpoint;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the PUBACKs of one connection without flushing each one, so that the PUBACKs of a group commit leave in
 * one TLS record and one socket write ({@link #flush()}) instead of one record and one syscall per PUBACK.
 *
 * <p>Why not {@link MqttEndpoint#publishAcknowledge}: vertx-mqtt 5.0.x has no write-without-flush, and Vert.x
 * flushes every write made outside a channel read (our PUBACKs are written from a task, after the durable commit).
 * The endpoint's Netty pipeline is reachable only through its {@code NetSocketInternal}, a private field of
 * {@code MqttEndpointImpl}; writing the PUBACK (built with Netty's {@link MqttMessageBuilders}) on that socket's
 * {@link ChannelHandlerContext} sends it through the same MqttEncoder and SslHandler the endpoint uses. If a
 * vertx-mqtt version renames the field, the writer falls back to {@code publishAcknowledge} (correct, just
 * slower) and says so once in the log. Confined to the connection's event loop.
 */
final class PubackWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PubackWriter.class);
    private static final Field CONN = connField();

    private final MqttEndpoint endpoint;
    private final ChannelHandlerContext channel; // null: fall back to publishAcknowledge
    private boolean unflushed;

    private PubackWriter(MqttEndpoint endpoint, ChannelHandlerContext channel) {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    static PubackWriter of(MqttEndpoint endpoint) {
        return new PubackWriter(endpoint, channelOf(endpoint));
    }

    /** True when PUBACKs are batched (the pipeline was reachable); false when each one is flushed alone. */
    boolean batching() {
        return channel != null;
    }

    /** Queues a PUBACK; it leaves on the next {@link #flush()}. */
    void write(int packetId) {
        if (channel == null) {
            endpoint.publishAcknowledge(packetId);
            return;
        }
        channel.write(MqttMessageBuilders.pubAck().packetId(packetId).build(), channel.voidPromise());
        unflushed = true;
    }

    /** Sends every PUBACK queued since the last flush. */
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
            LOG.warn("PUBACKs are flushed one by one: vertx-mqtt's endpoint socket is not reachable ({})", e.toString());
            return null;
        }
    }
}
