package dev.brink.edge.hub.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ConnectionState;
import dev.brink.client.IotHubClient;
import dev.brink.client.IotHubClientException;
import dev.brink.client.MethodRequest;
import dev.brink.client.MethodResponse;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One identity's brink-client connection to the hub. Opening and subscribing block (brink-client waits for
 * CONNACK/SUBACK), so they run on the caller's executor, serialized by {@link #clientLock}; everything else is
 * non-blocking. Operations in flight are tracked so that a dropped connection fails them at once (they are
 * cancelled in brink-client too, so they are not sent again after the reconnect: the caller retries instead).
 */
final class IdentityLink {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityLink.class);

    /** What the link reports to its owner; called on the client's dispatch thread. */
    interface Owner {
        void stateChanged(IdentityLink link, ConnectionState state, IotHubClientException reason);

        void desired(IdentityKey who, ObjectNode patch);

        CompletableFuture<MethodResponse> method(IdentityKey who, MethodRequest request);
    }

    final IdentityKey key;
    private final IotHubClient client;
    private final Owner owner;
    private final Object clientLock = new Object();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean opened;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private volatile long lastUsedNanos = System.nanoTime();
    private CompletableFuture<Void> opening;        // guarded by this
    private int failedOpens;                        // guarded by this
    private long nextOpenNanos;                     // guarded by this
    private CompletableFuture<Void> queuedTail = CompletableFuture.completedFuture(null); // guarded by this

    IdentityLink(IdentityKey key, IotHubClient client, Owner owner) {
        this.key = key;
        this.client = client;
        this.owner = owner;
        client.onConnectionStateChange(this::onState);
    }

    boolean isOpen() {
        return opened && !closed;
    }

    boolean isConnected() {
        return opened && client.connectionState() == ConnectionState.CONNECTED;
    }

    boolean isSubscribed() {
        return subscribed;
    }

    int inFlight() {
        return inFlight.size();
    }

    long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    /** Opens the connection once; concurrent callers share the attempt. Fails with the reason (no retry). */
    synchronized CompletableFuture<Void> ensureOpen(Executor executor) {
        if (opened) {
            return CompletableFuture.completedFuture(null);
        }
        if (opening != null) {
            return opening;
        }
        CompletableFuture<Void> attempt = CompletableFuture.runAsync(this::openBlocking, executor);
        opening = attempt;
        attempt.whenComplete((v, e) -> {
            synchronized (this) {
                opening = null;
                failedOpens = e == null ? 0 : failedOpens + 1;
                // Background re-opens of an activated link back off: 1 s, 2 s, ... 60 s.
                nextOpenNanos = System.nanoTime() + Math.min(60_000L, 1000L << Math.min(failedOpens, 6)) * 1_000_000;
            }
        });
        return attempt;
    }

    /** True when no open is running and the back-off after the last failure has passed. */
    synchronized boolean openDue() {
        return !opened && opening == null && (failedOpens == 0 || System.nanoTime() - nextOpenNanos >= 0);
    }

    private void openBlocking() {
        synchronized (clientLock) {
            if (closed) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "the upstream link of " + key + " was closed");
            }
            if (!opened) {
                client.open();
                opened = true;
                LOG.debug("{} connected upstream", key);
            }
        }
    }

    /** Subscribes to desired patches and methods (once; brink-client re-subscribes after reconnects). Blocking. */
    void subscribeBlocking() {
        synchronized (clientLock) {
            if (subscribed || closed) {
                return;
            }
            subscribed = true;
            try {
                client.onDesiredPropertiesUpdate((patch, version) -> owner.desired(key, patch));
                client.onDefaultMethodAsync(request -> owner.method(key, request));
            } catch (BrinkException e) {
                // The filters are registered in the client already: it subscribes them at the next connect.
                LOG.info("{}: subscribing upstream failed for now ({}); retried at the next connect", key,
                        e.getMessage());
            }
        }
    }

    /**
     * Runs {@code operation} once the connection is open; fails fast (ServiceUnavailable) when it is open but
     * currently disconnected.
     */
    <T> CompletableFuture<T> whenOpen(Executor executor, Supplier<CompletableFuture<T>> operation) {
        lastUsedNanos = System.nanoTime();
        CompletableFuture<Void> previous;
        CompletableFuture<Void> turn = null;
        synchronized (this) {
            previous = queuedTail;
            if (!opened || !previous.isDone()) {
                turn = new CompletableFuture<>();
                queuedTail = turn;
            }
        }
        if (turn == null) {
            if (client.connectionState() != ConnectionState.CONNECTED) {
                return CompletableFuture.failedFuture(new BrinkException(ErrorCode.ServiceUnavailable,
                        "the upstream connection of " + key + " is down (reconnecting)"));
            }
            return operation.get();
        }
        // Operations asked for while the connection opens start in call order, each after the previous one
        // started: dependents of one future run last-registered-first, which sent the first window of a drain
        // in reverse order (found by EdgeHubOfflineIT).
        CompletableFuture<Void> gate = ensureOpen(executor)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e)));
        CompletableFuture<Void> myTurn = turn;
        return previous.thenCompose(v -> gate).handle((v, e) -> {
            try {
                return e == null ? operation.get() : CompletableFuture.<T>failedFuture(translate(e));
            } catch (RuntimeException failed) {
                return CompletableFuture.<T>failedFuture(failed);
            } finally {
                myTurn.complete(null);
            }
        }).thenCompose(f -> f);
    }

    CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> sent;
        try {
            sent = client.sendEventAsync(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
        return track(sent);
    }

    IotHubClient client() {
        return client;
    }

    /** Remembers {@code f} until it completes, so a dropped connection can fail it at once. */
    <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        inFlight.add(f);
        f.whenComplete((v, e) -> {
            inFlight.remove(f);
            lastUsedNanos = System.nanoTime();
        });
        if (client.connectionState() != ConnectionState.CONNECTED) {
            f.cancel(false);    // it dropped between the caller's check and now
        }
        return f.exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e)));
    }

    /** Blocking (brink-client disconnects politely). Operations still in flight fail. */
    void close() {
        closed = true;
        synchronized (clientLock) {
            client.close();
        }
        inFlight.forEach(f -> f.cancel(false));
    }

    private void onState(ConnectionState state, IotHubClientException reason) {
        if (state != ConnectionState.CONNECTED) {
            inFlight.forEach(f -> f.cancel(false));
        }
        owner.stateChanged(this, state, reason);
    }

    private BrinkException translate(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CancellationException) {
            return new BrinkException(ErrorCode.ServiceUnavailable, "the upstream connection of " + key
                    + " dropped before the hub answered", e);
        }
        if (e instanceof BrinkException b) {
            return b;
        }
        return new BrinkException(ErrorCode.ServerError, "upstream operation of " + key + " failed: " + e, e);
    }

    @Override
    public String toString() {
        return "IdentityLink[" + key + (opened ? ", open" : "") + (subscribed ? ", subscribed" : "") + "]";
    }
}
