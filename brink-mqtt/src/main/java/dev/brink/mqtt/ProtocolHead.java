package dev.brink.mqtt;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The IoT Hub device protocol over MQTT 3.1.1 (TLS listener and MQTT over WebSocket), shared by the hub and the
 * edge hub; see README.md. Lifecycle: {@link #start} binds (blocking until bound, or throws having stopped what
 * it started), {@link #close} stops listening and closes every connection.
 */
public final class ProtocolHead implements AutoCloseable {
    private ProtocolHead() {
    }

    /**
     * Starts the TLS listener and, when {@code router} is not null, mounts MQTT over WebSocket at
     * {@code /$iothub/websocket} on it (ahead of any other route).
     */
    public static ProtocolHead start(Vertx vertx, HeadOptions options, ProtocolBackend backend, Router router) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The live connections (methods, desired pushes, delivery notices). */
    public Connections connections() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The bound MQTT port (the actual one when started with port 0). */
    public int port() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
    }
}
