package dev.brink.hub.c2d;

import dev.brink.core.message.Message;
import java.util.Objects;

/**
 * A cloud-to-device message waiting in a device's queue: enqueued, not yet completed (acknowledged) and not
 * expired. The device endpoint delivers it at QoS 1 and calls {@link CloudToDeviceQueue#complete} on PUBACK.
 *
 * @param id the queue's id for this message (lock token); opaque to the endpoint
 * @param message the message with its system properties ({@code messageId}, {@code to}, ...) and application
 *     properties; the endpoint encodes them into the topic with {@code PropertyBag.encodeForDelivery}
 * @param deliveryCount how many times it was handed to the device before (0 for the first delivery)
 */
public record PendingC2d(String id, Message message, int deliveryCount) {
    public PendingC2d {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
    }
}
