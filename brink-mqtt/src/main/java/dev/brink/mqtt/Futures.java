package dev.brink.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Calls into the backend: a backend that throws instead of returning a failed future is treated the same. */
final class Futures {
    private Futures() {
    }

    static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        try {
            CompletableFuture<T> f = call.get();
            return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("the backend returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The cause of a future's failure, without its {@link CompletionException} wrapping. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
