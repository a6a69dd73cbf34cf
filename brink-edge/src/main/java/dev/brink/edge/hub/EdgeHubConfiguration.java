package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.route.EdgeHubConfigException;
import dev.brink.edge.hub.routing.MessageRouter;
import dev.brink.edge.hub.routing.RouteSet;
import dev.brink.edge.hub.store.MessageStore;
import dev.brink.edge.hub.twin.TwinCache;
import dev.brink.mqtt.TwinReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $edgeHub} twin as configuration: its desired properties give the routes ({@link MessageRouter#apply})
 * and the store-and-forward settings ({@link MessageStore#apply}); the outcome is reported as
 * {@code lastDesiredVersion}/{@code lastDesiredStatus}. The twin is read through the twin cache, so a restart
 * without the hub still routes with the last configuration. A desired patch (or a restored link) triggers a
 * re-read of the whole twin rather than a merge here: patches are rare, and the full document cannot drift.
 * All applying runs on one executor thread, in order.
 */
final class EdgeHubConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHubConfiguration.class);

    private final IdentityKey edgeHub;
    private final TwinCache twins;
    private final MessageRouter router;
    private final MessageStore store;
    private final ClientTable clients;
    private final Executor executor;
    /** The desired {@code $version} applied (or refused) last; written only on {@link #executor}. */
    private volatile long appliedVersion = -1;
    private boolean seeded;

    EdgeHubConfiguration(IdentityKey edgeHub, TwinCache twins, MessageRouter router, MessageStore store,
            ClientTable clients, Executor executor) {
        this.edgeHub = edgeHub;
        this.twins = twins;
        this.router = router;
        this.store = store;
        this.clients = clients;
        this.executor = executor;
    }

    /**
     * Blocking, at start: reads and applies the configuration before the edge hub accepts messages (otherwise
     * the first messages after a restart would meet no routes). Returns false when there was none within
     * {@code timeout} (first start without the hub): the edge hub starts anyway and applies it when it arrives.
     */
    boolean loadAtStart(Duration timeout) {
        try {
            reload().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return appliedVersion >= 0;
        } catch (Exception e) {
            LOG.warn("edge hub: no $edgeHub configuration yet ({}); routes apply when it arrives", e.toString());
            return false;
        }
    }

    /** A desired patch for {@code $edgeHub} arrived (its content is re-read with the whole twin). */
    void onDesiredPatch(ObjectNode ignoredPatch) {
        reload();
    }

    /** Reads the twin through the cache and applies it if its desired version is new. */
    CompletableFuture<Void> reload() {
        return twins.get(edgeHub).thenAcceptAsync(this::apply, executor).exceptionally(e -> {
            LOG.warn("edge hub: reading the $edgeHub twin failed: {}", LocalBackend.unwrap(e).toString());
            return null;
        });
    }

    private void apply(TwinReply reply) {
        if (reply.status() != 200 || reply.body() == null) {
            LOG.info("edge hub: $edgeHub twin not available (status {})", reply.status());
            return;
        }
        JsonNode twin = Json.parse(reply.body());
        if (!seeded) {
            seeded = true;
            clients.seed(twin.path("reported").get("clients"));
        }
        JsonNode desired = twin.path("desired");
        long version = desired.path("$version").asLong(-1);
        if (version == appliedVersion || !hasContent(desired)) {
            return; // already applied, or nothing deployed yet (a desired of only $version is not an error)
        }
        appliedVersion = version;
        ObjectNode status;
        try {
            RouteSet routes = router.apply(desired);
            store.apply(routes.storeAndForward());
            LOG.info("edge hub: $edgeHub desired version {} applied: {} route(s), {}", version,
                    routes.desired().routes().size(), routes.storeAndForward());
            status = EdgeHubReported.desiredStatus(version, 200, "");
        } catch (EdgeHubConfigException e) {
            LOG.warn("edge hub: $edgeHub desired version {} refused, previous routes stay: {}", version,
                    e.getMessage());
            status = EdgeHubReported.desiredStatus(version, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("edge hub: applying $edgeHub desired version {} failed", version, e);
            status = EdgeHubReported.desiredStatus(version, 500, e.toString());
        }
        twins.patchReported(edgeHub, null, Json.write(status).getBytes(StandardCharsets.UTF_8))
                .whenComplete((r, e) -> {
                    if (e != null || r.status() >= 300) {
                        LOG.warn("edge hub: reporting lastDesiredStatus failed: {}", e != null ? e : r.status());
                    }
                });
    }

    private static boolean hasContent(JsonNode desired) {
        for (Iterator<String> it = desired.fieldNames(); it.hasNext(); ) {
            if (!it.next().startsWith("$")) {
                return true;
            }
        }
        return false;
    }
}
