package dev.brink.hub.mqtt;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.PropertyBag;
import dev.brink.hub.c2d.CloudToDeviceQueue;
import dev.brink.mqtt.Deliveries;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The hub's deliveries: cloud-to-device messages of the durable {@link CloudToDeviceQueue} (reference §2.3), on
 * {@code devices/{d}/messages/devicebound/{bag}} with {@code %24}-encoded system properties first. Modules get no
 * C2D from the hub (IoT Hub's module C2D is not supported), so their list is always empty. The queue's
 * {@code complete} writes to storage, so the acknowledgement runs on a Vert.x worker.
 */
final class C2dDeliveries implements Deliveries {
    private final Vertx vertx;
    private final CloudToDeviceQueue queue;

    C2dDeliveries(Vertx vertx, CloudToDeviceQueue queue) {
        this.vertx = vertx;
        this.queue = queue;
    }

    @Override
    public List<Delivery> pending(IdentityKey to) {
        if (to.isModule()) {
            return List.of();
        }
        return queue.pending(to.deviceId()).stream()
                .map(p -> new Delivery(p.id(), new IotHubTopic.DeviceBound(to.deviceId(), null,
                        PropertyBag.encodeForDelivery(p.message())).topic(), p.message().body()))
                .toList();
    }

    @Override
    public void delivering(IdentityKey to, String id) {
        // Counts deliveries (non-blocking): the queue gives a message up after too many (IoT Hub: 100).
        queue.delivering(to.deviceId(), id);
    }

    @Override
    public CompletableFuture<Void> acknowledged(IdentityKey to, String id) {
        return vertx.executeBlocking(() -> queue.complete(to.deviceId(), id), false)
                .toCompletionStage().toCompletableFuture()
                .thenCompose(f -> f);
    }
}
