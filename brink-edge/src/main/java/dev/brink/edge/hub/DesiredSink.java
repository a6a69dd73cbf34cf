package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Connections;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The twin cache's "desired sink": desired patches for {@code $edgeHub} go to the edge hub's configuration
 * (routes, store-and-forward), every other identity's to its local connection. Built before the twin cache (whose
 * constructor takes it) and bound by {@link EdgeHub#start}; an {@code $edgeHub} patch that arrives before that is
 * remembered and answered with a reload at binding, others are dropped (no client is connected yet; clients read
 * their twin on connect). Thread-safe, never blocks.
 */
public final class DesiredSink implements BiConsumer<IdentityKey, ObjectNode> {
    private final IdentityKey edgeHub;
    private final AtomicBoolean missedEdgeHubPatch = new AtomicBoolean();
    private volatile Consumer<ObjectNode> configuration;
    private volatile Connections clients;

    public DesiredSink(String edgeDeviceId) {
        this.edgeHub = IdentityKey.module(edgeDeviceId, EdgeHubSettings.MODULE_ID);
    }

    void bind(Consumer<ObjectNode> edgeHubConfiguration, Connections localClients) {
        clients = localClients;
        configuration = edgeHubConfiguration;
        if (missedEdgeHubPatch.getAndSet(false)) {
            edgeHubConfiguration.accept(null);
        }
    }

    @Override
    public void accept(IdentityKey who, ObjectNode patch) {
        if (edgeHub.equals(who)) {
            Consumer<ObjectNode> c = configuration;
            if (c == null) {
                missedEdgeHubPatch.set(true);
            } else {
                c.accept(patch);
            }
            return;
        }
        Connections c = clients;
        if (c != null) {
            c.publishDesired(who, patch);
        }
    }
}
