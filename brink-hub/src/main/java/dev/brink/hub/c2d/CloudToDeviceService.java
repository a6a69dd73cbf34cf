package dev.brink.hub.c2d;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import dev.brink.hub.registry.RegistryService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Sending cloud-to-device messages (the service side of the C2D queue): validates against IoT Hub's limits
 * (reference §8: 64 KB, TTL at most 2 days, 50 per device), stamps the system properties IoT Hub stamps
 * ({@code messageId} when absent, {@code to = /devices/{d}/messages/deviceBound}, the expiry) and enqueues.
 * The device endpoint delivers what is queued.
 */
public final class CloudToDeviceService {
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MAX_TTL = Duration.ofDays(2);
    private static final int MAX_ID_LENGTH = 128;

    private final DurableCloudToDeviceQueue queue;
    private final RegistryService registry;
    private final Clock clock;

    public CloudToDeviceService(DurableCloudToDeviceQueue queue, RegistryService registry, Clock clock) {
        this.queue = queue;
        this.registry = registry;
        this.clock = clock;
    }

    /** What the hub made of a send: the final ids and times. */
    public record Sent(String deviceId, String messageId, String correlationId, String to, Instant enqueuedTime,
                       Instant expiryTime) {
    }

    /**
     * Validates and enqueues a message for {@code deviceId}; blocks until it is durable.
     *
     * @throws BrinkException 404001 for an unknown device, 413001 for a body over 64 KB, 400004 for a bad
     *     TTL/expiry or property, 403004 when the device's queue is full
     */
    public Sent send(String deviceId, C2dSendRequest request) {
        if (request.body().length > MAX_MESSAGE_BYTES) {
            throw new BrinkException(ErrorCode.MessageTooLarge, "the message body has " + request.body().length
                    + " bytes; the cloud-to-device limit is " + MAX_MESSAGE_BYTES);
        }
        registry.getDevice(deviceId); // 404001 when unknown
        Instant now = clock.instant();
        Instant expiry = expiry(request, now);
        String messageId = request.messageId() == null || request.messageId().isEmpty()
                ? UUID.randomUUID().toString() : requireId("messageId", request.messageId());
        String to = "/devices/" + deviceId + "/messages/deviceBound";
        Message.Builder message = Message.builder()
                .body(request.body())
                .messageId(messageId)
                .to(to)
                .correlationId(blankToNull(request.correlationId()))
                .userId(blankToNull(request.userId()))
                .contentType(blankToNull(request.contentType()))
                .contentEncoding(blankToNull(request.contentEncoding()))
                .expiryTimeUtc(expiry);
        request.properties().forEach((name, value) -> {
            if (name.isEmpty() || name.startsWith("$.")) {
                throw BrinkException.invalid("application property name '" + name + "' is not allowed");
            }
            message.property(name, value);
        });
        if (message.build().correlationId() != null) {
            requireId("correlationId", request.correlationId());
        }
        StoredC2d stored = queue.enqueue(deviceId, message.build(), expiry);
        return new Sent(deviceId, messageId, stored.message().correlationId(), to, stored.enqueuedTime(), expiry);
    }

    private Instant expiry(C2dSendRequest request, Instant now) {
        if (request.expiryTime() != null && request.ttl() != null) {
            throw BrinkException.invalid("give either an expiry time or a time to live, not both");
        }
        Instant expiry;
        if (request.expiryTime() != null) {
            expiry = request.expiryTime();
        } else {
            Duration ttl = request.ttl() == null ? DEFAULT_TTL : request.ttl();
            if (ttl.isNegative() || ttl.isZero()) {
                throw BrinkException.invalid("the time to live must be positive, got " + ttl.toSeconds() + " s");
            }
            if (ttl.compareTo(MAX_TTL) > 0) {
                throw BrinkException.invalid("the time to live may be at most " + MAX_TTL.toSeconds() + " s (2 days)");
            }
            expiry = now.plus(ttl);
        }
        if (!expiry.isAfter(now)) {
            throw BrinkException.invalid("the expiry time " + expiry + " is not in the future");
        }
        if (expiry.isAfter(now.plus(MAX_TTL))) {
            throw BrinkException.invalid("the expiry time " + expiry + " is more than 2 days ahead");
        }
        return expiry;
    }

    private static String requireId(String what, String value) {
        if (value.length() > MAX_ID_LENGTH) {
            throw BrinkException.invalid(what + " may have at most " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
