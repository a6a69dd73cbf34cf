package dev.brink.hub.store;

import java.util.concurrent.CompletableFuture;

/**
 * The hub's durable state. Writes run on one writer that groups whatever is waiting into one
 * transaction and syncs it before completing any of their futures: a completed future means "on disk".
 * Writes are serialised, so a read-modify-write inside one {@link WriteTask} can never lose a
 * concurrent update. Reads run on the caller's thread against a consistent snapshot.
 */
public interface HubStore extends AutoCloseable {

    /**
     * Queues a write. The task runs on the writer thread inside a transaction (isolated by a savepoint
     * from the other tasks of its group: if it throws, only its own changes are rolled back and its
     * future fails with that exception). The future completes after the group's commit is durable.
     */
    <T> CompletableFuture<T> write(WriteTask<T> task);

    /** Runs a read against a consistent snapshot, on the calling thread. */
    <T> T read(ReadTask<T> task);

    @Override
    void close();

    @FunctionalInterface
    interface WriteTask<T> {
        T run(StoreTransaction tx);
    }

    @FunctionalInterface
    interface ReadTask<T> {
        T run(StoreView view);
    }
}
