package dev.brink.hub.mqtt;

import dev.brink.hub.HubConfig;
import dev.brink.hub.c2d.CloudToDeviceQueue;
import dev.brink.hub.events.EventLog;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.twin.TwinService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.mqtt.MqttServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's MQTT 3.1.1 device endpoint (issue 3, reference §1–§2): a TLS 1.2/1.3 listener on the MQTT port
 * and MQTT over WebSocket on the HTTPS port's {@code /$iothub/websocket}. Owns the listeners,
 * the live {@link DeviceConnections} and the connection-state bookkeeping; the events log, C2D queue and
 * services are passed in and owned by the composition root. See README.md.
 */
public final class DeviceEndpoint implements AutoCloseable {
    /** Largest MQTT packet decoded: the 256 KB payload limit plus room for the topic and headers. */
    static final int MAX_PACKET_BYTES = DeviceConnection.MAX_TELEMETRY_BYTES + 64 * 1024;
    /** The WebSocket sub-protocol of MQTT over WebSocket (the HTTPS server must offer it). */
    public static final String WEBSOCKET_SUB_PROTOCOL = "mqtt";
    /** Largest WebSocket frame/message the HTTPS server must accept: a whole MQTT packet, with room to spare. */
    public static final int WEBSOCKET_MAX_FRAME_BYTES = 512 * 1024;
    /** Seconds between the TLS handshake and CONNECT before the connection is dropped. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEndpoint.class);
    private static final long AWAIT_SECONDS = 30;
    /** Event loops serving the TLS listener (TLS is the endpoint's main CPU cost): one per core, 1..4. */
    static final int LISTENER_EVENT_LOOPS = Integer.getInteger("brink.mqtt.eventLoops",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));

    private final Vertx vertx;
    private final DeviceConnections connections;
    private final ConnectionActivity activity;
    private final List<String> deployments = new ArrayList<>();
    private NetClient bridgeClient;
    private long flushTimer = -1;
    private int port = -1;

    private DeviceEndpoint(Vertx vertx, DeviceConnections connections, ConnectionActivity activity) {
        this.vertx = vertx;
        this.connections = connections;
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
        DeviceConnections connections = new DeviceConnections();
        ConnectionActivity activity = new ConnectionActivity(registry, clock);
        EndpointContext env = new EndpointContext(vertx, clock, store, events, c2d,
                new TwinRequests(vertx, store, twins, clock), connections, activity);
        ConnectHandler handler = new ConnectHandler(new DeviceAuthenticator(store, config.hubHostName(), clock), env);
        DeviceEndpoint endpoint = new DeviceEndpoint(vertx, connections, activity);
        ConnectionActivity.resetStaleConnections(store, registry, clock); // before anything can connect
        try {
            endpoint.listen(config, certificates, handler);
            endpoint.mountWebSocket(router, handler);
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
        twins.addDesiredListener(connections::desiredChanged);
        c2d.onEnqueued(connections::c2dEnqueued);
        endpoint.flushTimer = vertx.setPeriodic(ConnectionActivity.FLUSH_INTERVAL.toMillis(), id -> activity.flush());
        LOG.info("MQTT device endpoint listening on mqtts://{}:{} and wss://.../$iothub/websocket",
                config.host(), endpoint.port);
        return endpoint;
    }

    private void listen(HubConfig config, HubCertificates certificates, ConnectHandler handler) {
        MqttServerOptions options = baseOptions();
        options.setHost(config.host());
        options.setSsl(true);
        options.setKeyCertOptions(certificates.keyCertOptions());
        options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        // One listener per event loop we want busy: each verticle instance runs on its own event loop, and
        // Vert.x shares a host:port between servers listening from different contexts, handing new connections
        // to them in turn. For an ephemeral port Vert.x 5 shares only a negative port (-1 = "one random port
        // shared by all servers asking for -1"); with 0 each instance would bind a port of its own.
        options.setPort(config.mqttPort() == 0 ? -1 : config.mqttPort());
        for (int i = 0; i < LISTENER_EVENT_LOOPS; i++) {
            MqttListener listener = new MqttListener(options, handler);
            deployments.add(await(vertx.deployVerticle(listener)));
            port = listener.actualPort();
        }
    }

    private void mountWebSocket(Router router, ConnectHandler handler) {
        MqttServerOptions internal = baseOptions().setHost("127.0.0.1").setPort(0);
        MqttListener listener = new MqttListener(internal, handler);
        deployments.add(await(vertx.deployVerticle(listener)));
        bridgeClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        // Ahead of the REST frame handlers: devices authenticate in CONNECT, not with a service token.
        router.route(WebSocketBridge.PATH).order(-1000)
                .handler(new WebSocketBridge(bridgeClient, listener.actualPort()));
    }

    private static MqttServerOptions baseOptions() {
        MqttServerOptions options = new MqttServerOptions()
                .setMaxMessageSize(MAX_PACKET_BYTES)
                .setTimeoutOnConnect(CONNECT_TIMEOUT_SECONDS);
        options.setTcpNoDelay(true);
        return options;
    }

    /** The bound MQTT/TLS port (the real one when the configured port was 0). */
    public int port() {
        return port;
    }

    /** Online state and direct methods, for the REST layer. */
    public DeviceConnections connections() {
        return connections;
    }

    /** Stops the listeners (closing every connection) and records the identities as disconnected. */
    @Override
    public void close() {
        vertx.cancelTimer(flushTimer);
        for (String id : deployments) {
            try {
                await(vertx.undeploy(id));
            } catch (RuntimeException e) {
                LOG.warn("Stopping an MQTT listener failed: {}", e.toString());
            }
        }
        deployments.clear();
        if (bridgeClient != null) {
            bridgeClient.close();
        }
        connections.connected().forEach(activity::disconnected);
        try {
            activity.flush().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Recording the final connection states failed: {}", e.toString());
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out after " + AWAIT_SECONDS + " s", e);
        }
    }
}
