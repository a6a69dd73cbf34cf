package dev.brink.mqtt;

import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What every connection of a head shares (constructor wiring without long parameter lists). The backend's
 * sessions, deliveries and listener are read once at start.
 */
record EndpointContext(Vertx vertx, Clock clock, ProtocolBackend backend, SessionStore sessions,
                       Deliveries deliveries, ConnectionListener listener, DeviceConnections connections) {

    static EndpointContext of(Vertx vertx, Clock clock, ProtocolBackend backend) {
        return new EndpointContext(vertx, clock, backend, backend.sessions(), backend.deliveries(),
                backend.connectionListener(), new DeviceConnections());
    }
}
