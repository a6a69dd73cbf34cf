package dev.brink.edge.hub.twin;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One FIFO of tasks per identity on a shared pool: everything that talks to the hub about one twin (GET, full
 * sync, desired patch, reported push) runs one at a time in arrival order, so a stale answer can never overwrite a
 * newer one and a lower desired {@code $version} from the hub can only mean a recreated identity. Different
 * identities run in parallel. Tasks may block (they wait for the hub with a timeout).
 */
final class SerialQueues {
    private final Executor pool;
    private final Map<IdentityKey, CompletableFuture<?>> tails = new HashMap<>();

    SerialQueues(Executor pool) {
        this.pool = pool;
    }

    /** Runs {@code task} after every task queued before it for {@code key}; a failed predecessor does not matter. */
    synchronized <T> CompletableFuture<T> submit(IdentityKey key, Supplier<T> task) {
        CompletableFuture<?> tail = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
        CompletableFuture<T> next = new CompletableFuture<>();
        tail.whenComplete((r, e) -> {
            try {
                pool.execute(() -> {
                    try {
                        next.complete(task.get());
                    } catch (Throwable t) {
                        next.completeExceptionally(t);
                    }
                });
            } catch (RejectedExecutionException rejected) {
                next.completeExceptionally(new BrinkException(ErrorCode.ServiceUnavailable,
                        "The twin cache is closed"));
            }
        });
        tails.put(key, next);
        next.whenComplete((r, e) -> release(key, next));
        return next;
    }

    private synchronized void release(IdentityKey key, CompletableFuture<?> done) {
        tails.remove(key, done);
    }
}
