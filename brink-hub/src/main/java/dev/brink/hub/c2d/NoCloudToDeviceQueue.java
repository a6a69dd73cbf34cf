package dev.brink.hub.c2d;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The empty queue behind {@link CloudToDeviceQueue#none()}. */
final class NoCloudToDeviceQueue implements CloudToDeviceQueue {
    static final NoCloudToDeviceQueue INSTANCE = new NoCloudToDeviceQueue();

    private NoCloudToDeviceQueue() {
    }

    @Override
    public List<PendingC2d> pending(String deviceId) {
        return List.of();
    }

    @Override
    public CompletableFuture<Void> complete(String deviceId, String id) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onEnqueued(Consumer<String> listener) {
        // nothing is ever enqueued
    }
}
