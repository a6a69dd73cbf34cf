package dev.brink.hub.registry;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Waits for a store write and rethrows what the write task threw, unwrapped, so that a
 * {@link BrinkException} raised inside a transaction reaches the protocol edge with its code.
 * The services are blocking by design: callers run them off the event loop.
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
