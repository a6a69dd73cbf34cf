package dev.brink.hub.c2d;

import dev.brink.core.message.Message;
import java.time.Instant;
import java.util.Objects;

/**
 * A cloud-to-device message as its store keeps it.
 *
 * @param sequence the store's id: increases in enqueue order and is never reused, so it orders the queue
 * @param deviceId the target device
 * @param message the message with its system ({@code messageId}, {@code to}, {@code expiryTimeUtc} ...) and
 *     application properties
 * @param enqueuedTime when the hub accepted it
 * @param expiryTime when it expires; it is never delivered after this instant
 * @param deliveryCount how many times it was handed to the device so far
 */
public record StoredC2d(long sequence, String deviceId, Message message, Instant enqueuedTime, Instant expiryTime,
                        int deliveryCount) {
    public StoredC2d {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(enqueuedTime, "enqueuedTime");
        Objects.requireNonNull(expiryTime, "expiryTime");
    }
}
