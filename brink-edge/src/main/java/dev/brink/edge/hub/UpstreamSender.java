package dev.brink.edge.hub;

import dev.brink.core.message.Message;
import dev.brink.edge.hub.delivery.EndpointSender;
import dev.brink.edge.hub.store.QueuedMessage;
import dev.brink.edge.hub.upstream.Upstream;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code $upstream} endpoint: each queued message goes to the hub as the identity that sent it (its stamped
 * {@code connectionDeviceId}/{@code connectionModuleId}), so the hub sees the module or child device, not the edge.
 */
final class UpstreamSender implements EndpointSender {
    private final String edgeDeviceId;
    private final Upstream upstream;
    private final EdgeHubMetrics metrics;

    UpstreamSender(String edgeDeviceId, Upstream upstream, EdgeHubMetrics metrics) {
        this.edgeDeviceId = edgeDeviceId;
        this.upstream = upstream;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Void> send(QueuedMessage queued) {
        Message message = queued.message();
        CompletableFuture<Void> sent;
        try {
            sent = upstream.send(InboundMessages.sender(message, edgeDeviceId), message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((ok, error) -> {
            if (error == null) {
                metrics.sent(EdgeHubMetrics.TO_UPSTREAM);
            } else {
                metrics.retried();
            }
        });
    }
}
