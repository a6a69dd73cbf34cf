package dev.brink.hub.registry;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Waits for a store write and rethrows what the write task threw, unwrapped, so that a
 * {@link BrinkException} raised inside a transaction reaches the protocol edge with its code.
 * Only the synchronous wrappers of the services use it (they block: call them off the event loop);
 * the asynchronous methods return the store's future instead.
 */
public final class Await {
    private Await() {
    }

    public static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted while waiting for the store", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /**
     * Runs {@code start} and returns its future, or a failed future when it throws (e.g. validation before
     * the write is queued), so an asynchronous method reports every failure the same way.
     */
    public static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new BrinkException(ErrorCode.ServerError, "store write failed: " + t, t);
    }
}
