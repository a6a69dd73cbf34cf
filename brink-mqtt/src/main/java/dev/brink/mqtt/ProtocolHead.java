package dev.brink.mqtt;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.mqtt.MqttServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IoT Hub device protocol over MQTT 3.1.1 (TLS listener and MQTT over WebSocket), shared by the hub and the
 * edge hub; see README.md. Lifecycle: {@link #start} binds (blocking until bound, or throws having stopped what
 * it started), {@link #close} stops listening and closes every connection.
 */
public final class ProtocolHead implements AutoCloseable {
    /** The HTTPS path of MQTT over WebSocket (reference §1.1). */
    public static final String WEBSOCKET_PATH = "/$iothub/websocket";
    /** The WebSocket sub-protocol of MQTT over WebSocket: the HTTPS server must offer it (MQTT.js insists). */
    public static final String WEBSOCKET_SUB_PROTOCOL = "mqtt";
    /** Largest WebSocket frame/message the HTTPS server must accept: a whole MQTT packet, with room to spare. */
    public static final int WEBSOCKET_MAX_FRAME_BYTES = 512 * 1024;
    /** Seconds between the TLS handshake and CONNECT before the connection is dropped. */
    public static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Device-to-cloud message payload limit (reference §8); a larger one closes the connection. */
    public static final int MAX_MESSAGE_BYTES = DeviceConnection.MAX_TELEMETRY_BYTES;
    /** Largest MQTT packet decoded: the payload limit plus room for the topic and headers. */
    static final int MAX_PACKET_BYTES = MAX_MESSAGE_BYTES + 64 * 1024;
    static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolHead.class);
    private static final long AWAIT_SECONDS = 30;
    /** Distinct negative "shared random port" keys, so that two heads on one Vert.x do not share a port. */
    private static final AtomicInteger EPHEMERAL_KEYS = new AtomicInteger();

    private final Vertx vertx;
    private final EndpointContext env;
    private final List<String> deployments = new ArrayList<>();
    private NetClient bridgeClient;
    private Route webSocketRoute;
    private int port = -1;

    private ProtocolHead(Vertx vertx, EndpointContext env) {
        this.vertx = vertx;
        this.env = env;
    }

    /**
     * Starts the TLS listener and, when {@code router} is not null, mounts MQTT over WebSocket at
     * {@code /$iothub/websocket} on it (ahead of any other route).
     */
    public static ProtocolHead start(Vertx vertx, HeadOptions options, ProtocolBackend backend, Router router) {
        return start(vertx, options, backend, router, Clock.systemUTC());
    }

    /** As {@link #start(Vertx, HeadOptions, ProtocolBackend, Router)}, with the clock of token expiry and receive times. */
    public static ProtocolHead start(Vertx vertx, HeadOptions options, ProtocolBackend backend, Router router,
            Clock clock) {
        Objects.requireNonNull(options.serverCertificate(), "HeadOptions.serverCertificate");
        EndpointContext env = EndpointContext.of(vertx, clock, backend);
        ConnectHandler handler = new ConnectHandler(env);
        ProtocolHead head = new ProtocolHead(vertx, env);
        try {
            head.listen(options, handler);
            if (router != null) {
                head.mountWebSocket(router, handler);
            }
        } catch (RuntimeException e) {
            head.close();
            throw e;
        }
        LOG.info("{}: MQTT device endpoint listening on mqtts://{}:{} ({} event loops){}", options.name(),
                options.host(), head.port, Math.max(1, options.eventLoops()),
                router == null ? "" : " and MQTT over WebSocket at " + WEBSOCKET_PATH + " of its HTTPS server");
        return head;
    }

    /**
     * Sets what MQTT over WebSocket needs on the HTTPS server whose router the head mounts on: the {@code mqtt}
     * sub-protocol and frames/messages of a whole MQTT packet. Returns {@code options}.
     */
    public static HttpServerOptions webSocketReady(HttpServerOptions options) {
        return options.setWebSocketSubProtocols(List.of(WEBSOCKET_SUB_PROTOCOL))
                .setMaxWebSocketFrameSize(WEBSOCKET_MAX_FRAME_BYTES)
                .setMaxWebSocketMessageSize(WEBSOCKET_MAX_FRAME_BYTES);
    }

    private void listen(HeadOptions options, ConnectHandler handler) {
        MqttServerOptions server = baseOptions();
        server.setHost(options.host());
        server.setSsl(true);
        server.setKeyCertOptions(options.serverCertificate());
        server.setEnabledSecureTransportProtocols(TLS_PROTOCOLS);
        server.setSslEngineOptions(TlsEngines.preferred());
        // One listener per event loop we want busy: each verticle instance runs on its own event loop, and
        // Vert.x shares a host:port between servers listening from different contexts, handing new connections
        // to them in turn. For an ephemeral port Vert.x 5 shares only a negative port (-n = "one random port
        // shared by all servers asking for -n"); with 0 each instance would bind a port of its own. Each head takes
        // its own -n: another head started with port 0 on the same Vert.x must get a port of its own.
        server.setPort(options.port() == 0 ? -(1 + (EPHEMERAL_KEYS.getAndIncrement() & 0xFFFF)) : options.port());
        for (int i = 0; i < Math.max(1, options.eventLoops()); i++) {
            MqttListener listener = new MqttListener(server, handler);
            deployments.add(await(vertx.deployVerticle(listener)));
            if (port != -1 && listener.actualPort() != port) { // the sharing above did not happen: say so loudly
                throw new IllegalStateException("MQTT listeners bound different ports: " + port + " and "
                        + listener.actualPort());
            }
            port = listener.actualPort();
        }
    }

    private void mountWebSocket(Router router, ConnectHandler handler) {
        MqttServerOptions internal = baseOptions().setHost("127.0.0.1").setPort(0);
        MqttListener listener = new MqttListener(internal, handler);
        deployments.add(await(vertx.deployVerticle(listener)));
        bridgeClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        // Ahead of any other handler (e.g. the hub's REST frame): devices authenticate in CONNECT, not per request.
        webSocketRoute = router.route(WebSocketBridge.PATH).order(-1000)
                .handler(new WebSocketBridge(bridgeClient, listener.actualPort()));
    }

    private static MqttServerOptions baseOptions() {
        MqttServerOptions options = new MqttServerOptions()
                .setMaxMessageSize(MAX_PACKET_BYTES)
                .setTimeoutOnConnect(CONNECT_TIMEOUT_SECONDS);
        options.setTcpNoDelay(true);
        return options;
    }

    /** The live connections (methods, desired pushes, delivery notices). */
    public Connections connections() {
        return env.connections();
    }

    /** The bound MQTT port (the actual one when started with port 0). */
    public int port() {
        return port;
    }

    /** Stops the listeners (closing every connection) and the WebSocket route. Idempotent. */
    @Override
    public synchronized void close() {
        if (webSocketRoute != null) {
            webSocketRoute.remove();
            webSocketRoute = null;
        }
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
            bridgeClient = null;
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + AWAIT_SECONDS + " s", e);
        }
    }
}
