package dev.brink.edge.hub;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.core.route.RouteSink;
import dev.brink.edge.hub.identity.IdentityCache;
import dev.brink.edge.hub.routing.RoutedEndpoint;
import dev.brink.edge.hub.store.MessageStore;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ConnectionListener;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.Deliveries;
import dev.brink.mqtt.InboundMessage;
import dev.brink.mqtt.MessageRefusedException;
import dev.brink.mqtt.ProtocolBackend;
import dev.brink.mqtt.SessionStore;
import dev.brink.mqtt.TwinReply;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the protocol head serves on the edge: authentication from the identity cache (works offline), persistent
 * sessions in sessions.db, messages routed and stored once (the PUBACK follows the synced commit), twins from the
 * twin cache, module inputs from the message store. The head has already checked that a client publishes, reads
 * and subscribes only as itself.
 */
final class LocalBackend implements ProtocolBackend {
    private final String edgeDeviceId;
    private final EdgeHubParts parts;
    private final IdentityCache identities;
    private final SessionStore sessions;
    private final Connections clients;
    private final ConnectionListener listener;
    private final Deliveries deliveries;
    private final EdgeHubMetrics metrics;
    private final Clock clock;

    LocalBackend(String edgeDeviceId, EdgeHubParts parts, SessionStore sessions, Connections clients,
            ConnectionListener listener, EdgeHubMetrics metrics, Clock clock) {
        this.edgeDeviceId = edgeDeviceId;
        this.parts = parts;
        this.identities = parts.identities();
        this.sessions = sessions;
        this.clients = clients;
        this.listener = listener;
        this.deliveries = new CountingDeliveries(parts.moduleInputs(), metrics);
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(String clientId, String username, String password) {
        return identities.authenticate(clientId, username, password);
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * Route, then store once for every target (an empty target list is the store's {@code no_route} drop), and
     * tell the targets — wake the {@code $upstream} pump, tell connected modules that inputs are waiting — as soon
     * as the store shows the entries: usually at once, while the write commits (a module input can be delivered and
     * acknowledged before that, and then the message is never written), else after the commit. The PUBACK still
     * waits for the commit. A full store with the {@code refuse} policy fails with its
     * {@link dev.brink.edge.hub.store.StoreFullException} unwrapped, so the head sees a
     * {@link MessageRefusedException}.
     */
    @Override
    public CompletableFuture<Void> accept(IdentityKey from, InboundMessage inbound) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            Message message = InboundMessages.toMessage(from, inbound, clock);
            List<RoutedEndpoint> targets = parts.router().route(message,
                    InboundMessages.source(edgeDeviceId, from, message));
            metrics.received();
            MessageStore.Appended appended = parts.store().enqueue(message, targets);
            if (appended.shownAtOnce()) {
                notifyTargets(targets);
            }
            appended.stored().whenComplete((ok, error) -> {
                if (error == null) {
                    if (appended.wakeOnCommit()) {
                        notifyTargets(targets);
                    }
                    result.complete(null);
                } else {
                    fail(result, unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            fail(result, e);
        }
        return result;
    }

    private void fail(CompletableFuture<Void> result, Throwable error) {
        if (error instanceof MessageRefusedException) {
            metrics.refused();
        }
        result.completeExceptionally(error);
    }

    private void notifyTargets(List<RoutedEndpoint> targets) {
        for (RoutedEndpoint target : targets) {
            if (target.sink() instanceof RouteSink.ModuleInput input) {
                clients.deliveriesAvailable(IdentityKey.module(edgeDeviceId, input.moduleId()));
            } else {
                parts.pumps().wake(target.endpointId());
            }
        }
    }

    @Override
    public CompletableFuture<TwinReply> getTwin(IdentityKey who) {
        return parts.twins().get(who);
    }

    @Override
    public CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch) {
        return parts.twins().patchReported(who, expectedVersion, patch);
    }

    @Override
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public ConnectionListener connectionListener() {
        return listener;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
