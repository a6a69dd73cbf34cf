package dev.brink.edge.hub;

import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.Deliveries;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Module-input deliveries as given, counting each acknowledged one as sent (metrics). */
final class CountingDeliveries implements Deliveries {
    private final Deliveries inner;
    private final EdgeHubMetrics metrics;

    CountingDeliveries(Deliveries inner, EdgeHubMetrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    @Override
    public List<Delivery> pending(IdentityKey to) {
        return inner.pending(to);
    }

    @Override
    public List<Delivery> pending(IdentityKey to, Set<String> handedOut) {
        return inner.pending(to, handedOut);
    }

    @Override
    public List<Delivery> pendingAtHand(IdentityKey to, Set<String> handedOut) {
        return inner.pendingAtHand(to, handedOut);
    }

    @Override
    public void delivering(IdentityKey to, String id) {
        inner.delivering(to, id);
    }

    @Override
    public CompletableFuture<Void> acknowledged(IdentityKey to, String id) {
        return inner.acknowledged(to, id).whenComplete((ok, error) -> {
            if (error == null) {
                metrics.sent(EdgeHubMetrics.TO_MODULE);
            }
        });
    }
}
