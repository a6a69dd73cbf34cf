package dev.brink.hub.mqtt;

import dev.brink.core.id.IdentityKey;
import dev.brink.hub.HubConfig;
import dev.brink.hub.c2d.CloudToDeviceQueue;
import dev.brink.hub.events.EventLog;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.twin.TwinService;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.HeadOptions;
import dev.brink.mqtt.ProtocolHead;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's MQTT 3.1.1 device endpoint (issue 3, reference §1–§2): the shared {@link ProtocolHead} (TLS 1.2/1.3
 * listeners on the MQTT port, MQTT over WebSocket on the HTTPS port's {@code /$iothub/websocket}) in front of the
 * hub's {@link HubBackend}. Owns the head and the connection-state bookkeeping around it (stale-state reset
 * before listening, the 1 s flush, Disconnected at shutdown); the events log, C2D queue and services are passed
 * in and owned by the composition root. See README.md.
 */
public final class DeviceEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEndpoint.class);
    private static final long AWAIT_SECONDS = 30;

    private final Vertx vertx;
    private final ConnectionActivity activity;
    private ProtocolHead head;
    private long flushTimer = -1;

    private DeviceEndpoint(Vertx vertx, ConnectionActivity activity) {
        this.vertx = vertx;
        this.activity = activity;
    }

    /**
     * Starts listening on {@code config.host():config.mqttPort()} (0 = ephemeral) and mounts the WebSocket
     * route on {@code router} (ahead of the REST frame, which would demand a service token). Blocks until
     * bound; on failure everything started is stopped again.
     */
    public static DeviceEndpoint start(Vertx vertx, HubConfig config, HubCertificates certificates, Router router,
            HubStore store, RegistryService registry, TwinService twins, EventLog events, CloudToDeviceQueue c2d,
            Clock clock) {
        ConnectionActivity activity = new ConnectionActivity(registry, clock);
        HubBackend backend = new HubBackend(new DeviceAuthenticator(store, config.hubHostName(), clock),
                new HubSessions(store), events, new TwinRequests(vertx, store, twins, clock),
                new C2dDeliveries(vertx, c2d), activity);
        DeviceEndpoint endpoint = new DeviceEndpoint(vertx, activity);
        ConnectionActivity.resetStaleConnections(store, registry, clock); // before anything can connect
        HeadOptions options = new HeadOptions("hub", config.host(), config.mqttPort(),
                certificates.keyCertOptions(), HeadOptions.defaultEventLoops());
        endpoint.head = ProtocolHead.start(vertx, options, backend, router, clock);
        Connections connections = endpoint.head.connections();
        twins.addDesiredListener(connections::publishDesired);
        c2d.onEnqueued(deviceId -> connections.deliveriesAvailable(IdentityKey.device(deviceId)));
        endpoint.flushTimer = vertx.setPeriodic(ConnectionActivity.FLUSH_INTERVAL.toMillis(), id -> activity.flush());
        return endpoint;
    }

    /** The bound MQTT/TLS port (the real one when the configured port was 0). */
    public int port() {
        return head.port();
    }

    /** Online state and direct methods, for the REST layer. */
    public Connections connections() {
        return head.connections();
    }

    /** Stops the listeners (closing every connection) and records the identities as disconnected. */
    @Override
    public void close() {
        vertx.cancelTimer(flushTimer);
        if (head == null) {
            return;
        }
        Collection<IdentityKey> connected = head.connections().connected();
        head.close();
        connected.forEach(activity::disconnected);
        head.connections().connected().forEach(activity::disconnected);
        try {
            activity.flush().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Recording the final connection states failed: {}", e.toString());
        }
    }
}
