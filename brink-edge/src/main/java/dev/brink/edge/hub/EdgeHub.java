package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.route.RouteSink;
import dev.brink.edge.hub.delivery.ModuleInputDeliveries;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.HeadOptions;
import dev.brink.mqtt.ProtocolHead;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge hub (issue 5): the local IoT Hub endpoint for modules and child devices, composed of its parts
 * ({@link EdgeHubParts}) behind the shared protocol head. See README.md for the picture and docs/edge-hub.md.
 *
 * <p>Lifecycle NEW → STARTING → RUNNING → STOPPING → STOPPED, every transition logged. Start order: sessions,
 * metrics, the {@code $edgeHub} configuration (routes are in place <em>before</em> any listener opens, so no
 * message after a restart meets an empty route table), upstream hooks, the {@code $upstream} pump, then the
 * listeners (MQTT/TLS, HTTPS, metrics). Stop order is the reverse: listeners first (nothing new comes in), a last
 * {@code clients} report, then pumps, twin cache, upstream, identity cache, message store, sessions. The edge hub
 * owns its parts from {@link #start} on and closes them even when the start fails.
 */
public final class EdgeHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHub.class);
    /** How long the start waits for the {@code $edgeHub} twin (from the cache it is immediate). */
    static final Duration CONFIGURATION_AT_START = Duration.ofSeconds(20);
    /** Connection changes are reported at most this often (one twin write per interval, not one per connect). */
    static final Duration CLIENTS_REPORT_INTERVAL = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final EdgeHubSettings settings;
    private final EdgeHubParts parts;
    private final IdentityKey edgeHubKey;
    private final ClientTable clients = new ClientTable();
    private final LiveConnections connections = new LiveConnections();
    /** Configuration applies and the clients report, in order. */
    private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "edgehub-tasks"));
    /** Upstream activate/deactivate, in order of the connection events. */
    private final ExecutorService presence = Executors.newSingleThreadExecutor(r -> daemon(r, "edgehub-presence"));
    private volatile EdgeHubState state = EdgeHubState.NEW;
    private SqliteSessionStore sessions;
    private EdgeHubMetrics metrics;
    private EdgeHubConfiguration configuration;
    private ProtocolHead head;
    private EdgeHubHttpServer https;
    private MetricsServer metricsServer;

    private EdgeHub(Vertx vertx, EdgeHubSettings settings, EdgeHubParts parts) {
        this.vertx = vertx;
        this.settings = settings;
        this.parts = parts;
        this.edgeHubKey = settings.edgeHubKey();
    }

    /** Starts the edge hub, blocking until its listeners are bound; on failure everything (parts too) is closed. */
    public static EdgeHub start(Vertx vertx, EdgeHubSettings settings, EdgeHubParts parts) {
        EdgeHub hub = new EdgeHub(vertx, settings, parts);
        try {
            hub.doStart();
            return hub;
        } catch (RuntimeException e) {
            LOG.error("edge hub: start failed: {}", e.toString());
            hub.close();
            throw e;
        }
    }

    private void doStart() {
        transition(EdgeHubState.STARTING);
        EdgeHubConfig config = settings.config();
        String deviceId = settings.edgeDeviceId();
        Upstream upstream = parts.upstream();
        sessions = SqliteSessionStore.open(settings.dataDir().resolve(SqliteSessionStore.FILE_NAME));
        metrics = new EdgeHubMetrics(settings.hubName(), deviceId, settings.clock(), parts.store()::stats,
                clients::connectedCount, upstream::isConnected);
        configuration = new EdgeHubConfiguration(edgeHubKey, parts.twins(), parts.router(), parts.store(), clients,
                tasks);
        parts.desiredSink().bind(configuration::onDesiredPatch, connections);

        upstream.onDesired(parts.twins()::desiredFromHub);
        upstream.onMethod(new HubMethodRelay(edgeHubKey, connections, parts.identities(), workerPool()));
        upstream.onLinkChange(this::linkChanged);
        metrics.linkChanged(upstream.isConnected());
        try {
            upstream.activate(edgeHubKey); // $edgeHub's own desired patches and RefreshDeviceScopeIdentityCache
        } catch (RuntimeException e) {
            LOG.warn("edge hub: upstream presence of $edgeHub failed: {}", e.toString());
        }
        if (configuration.loadAtStart(CONFIGURATION_AT_START)) {
            LOG.info("edge hub: routes in place before listening");
        }
        parts.pumps().register(RouteSink.Upstream.ENDPOINT_ID, new UpstreamSender(deviceId, upstream, metrics));
        parts.pumps().wake(RouteSink.Upstream.ENDPOINT_ID); // what an earlier run left queued

        LocalBackend backend = new LocalBackend(deviceId, parts, sessions, connections,
                new ClientTracker(clients, upstream, presence, settings.clock()), metrics, settings.clock());
        Router router = Router.router(vertx);
        head = ProtocolHead.start(vertx, new HeadOptions("edge hub", config.host(), config.mqttPort(),
                settings.serverCertificate(), HeadOptions.defaultEventLoops()), backend, router);
        connections.bind(head.connections());
        new ModuleMethodsApi(settings.hubName(), parts.identities(), connections).mount(router);
        https = EdgeHubHttpServer.start(vertx, config.host(), config.httpsPort(), settings.serverCertificate(), router);
        if (config.metricsEnabled()) {
            metricsServer = MetricsServer.start(vertx, config.host(), config.metricsPort(), metrics::scrape);
        }
        report(EdgeHubReported.header());
        long every = CLIENTS_REPORT_INTERVAL.toMillis();
        tasks.scheduleWithFixedDelay(this::reportClients, every, every, TimeUnit.MILLISECONDS);
        transition(EdgeHubState.RUNNING);
        LOG.info("edge hub for {} listening on {}: mqtts {}, https {}, metrics {}", deviceId, config.host(),
                head.port(), https.port(), metricsServer == null ? "off" : "http " + metricsServer.port());
    }

    /** From the upstream link (any thread, must not block). */
    private void linkChanged(boolean up) {
        metrics.linkChanged(up);
        LOG.info("edge hub: upstream link {}", up ? "up" : "down");
        if (!up) {
            return;
        }
        try {
            tasks.execute(() -> {
                parts.twins().linkRestored();
                parts.pumps().linkRestored();
                configuration.reload();
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("edge hub stopping: link restore ignored");
        }
    }

    private void reportClients() {
        ClientTable.Drained drained = clients.drain();
        if (drained == null) {
            return;
        }
        parts.twins().patchReported(edgeHubKey, null, bytes(drained.patch())).whenComplete((reply, error) -> {
            if (error != null || reply.status() >= 300) {
                clients.markDirty(drained.clients());
                LOG.warn("edge hub: reporting clients failed: {}", error != null ? error : reply.status());
            }
        });
    }

    private void report(ObjectNode patch) {
        parts.twins().patchReported(edgeHubKey, null, bytes(patch)).whenComplete((reply, error) -> {
            if (error != null || reply.status() >= 300) {
                LOG.warn("edge hub: reporting $edgeHub properties failed: {}", error != null ? error : reply.status());
            }
        });
    }

    public EdgeHubState state() {
        return state;
    }

    public int mqttPort() {
        return head.port();
    }

    public int httpsPort() {
        return https.port();
    }

    /** The metrics port, or -1 when metrics are off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public EdgeHubMetrics metrics() {
        return metrics;
    }

    /** Stops listening, reports every client disconnected, then closes the parts in dependency order. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == EdgeHubState.STOPPING || state == EdgeHubState.STOPPED) {
            return;
        }
        transition(EdgeHubState.STOPPING);
        quietly("HTTPS listener", https);
        quietly("metrics listener", metricsServer);
        quietly("protocol head", head);
        connections.unbind();
        stopExecutor(tasks);
        stopExecutor(presence);
        if (configuration != null) {
            clients.disconnectAll(settings.clock().instant());
            ClientTable.Drained last = clients.drain();
            if (last != null) {
                try {
                    parts.twins().patchReported(edgeHubKey, null, bytes(last.patch())).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("edge hub: final clients report failed: {}", e.toString());
                }
            }
        }
        quietly("pumps", parts.pumps());
        quietly("twin cache", parts.twins());
        quietly("upstream", parts.upstream());
        quietly("identity cache", parts.identities());
        if (parts.moduleInputs() instanceof ModuleInputDeliveries inputs) {
            try { // the batched removals of PUBACKed inputs, before the store closes
                inputs.flushed().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("edge hub: last input removals not flushed (they will be delivered again): {}", e.toString());
            }
        }
        quietly("message store", parts.store());
        quietly("session store", sessions);
        transition(EdgeHubState.STOPPED);
    }

    private void transition(EdgeHubState next) {
        LOG.info("edge hub: {} -> {}", state, next);
        state = next;
    }

    /** Vert.x's worker pool as an executor (blocking work such as an identity cache refresh). */
    private Executor workerPool() {
        return r -> vertx.executeBlocking(() -> {
            r.run();
            return null;
        }, false);
    }

    private static void stopExecutor(ExecutorService executor) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void quietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("edge hub: closing the {} failed: {}", what, e.toString());
        }
    }

    private static byte[] bytes(ObjectNode node) {
        return Json.write(node).getBytes(StandardCharsets.UTF_8);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
