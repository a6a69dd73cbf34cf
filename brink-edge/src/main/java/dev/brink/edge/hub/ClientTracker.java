package dev.brink.edge.hub;

import dev.brink.core.id.IdentityKey;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.ConnectionListener;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's connection events (on event loops, must not block): the client table (reported {@code clients},
 * {@code edgehub_connected_clients}) is updated in memory; the upstream presence of the identity — so the hub can
 * push its desired patches and invoke its methods — is switched on one ordered executor thread, because opening
 * an upstream connection may take a while.
 */
final class ClientTracker implements ConnectionListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTracker.class);

    private final ClientTable table;
    private final Upstream upstream;
    private final Executor presence;
    private final Clock clock;

    ClientTracker(ClientTable table, Upstream upstream, Executor presence, Clock clock) {
        this.table = table;
        this.upstream = upstream;
        this.presence = presence;
        this.clock = clock;
    }

    @Override
    public void connected(IdentityKey key) {
        table.connected(key, clock.instant());
        submit("activate", key, () -> upstream.activate(key));
    }

    @Override
    public void disconnected(IdentityKey key) {
        table.disconnected(key, clock.instant());
        submit("deactivate", key, () -> upstream.deactivate(key));
    }

    @Override
    public void active(IdentityKey key) {
    }

    private void submit(String what, IdentityKey key, Runnable action) {
        try {
            presence.execute(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("edge hub: upstream {} of {} failed: {}", what, key, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("edge hub stopping: upstream {} of {} skipped", what, key);
        }
    }
}
