package dev.brink.hub.events;

import java.time.Duration;
import java.time.Instant;

/**
 * Deleting old events so the log stays within its retention limits: events older than {@code maxAge}, and the
 * oldest events while the log takes more than {@code maxBytes}. Only the oldest events are ever deleted (the
 * log stays a contiguous range of offsets) and offsets are never reused.
 */
public interface EventRetention extends AutoCloseable {

    /** The limits; both must be positive. */
    record Limits(Duration maxAge, long maxBytes) {
        public Limits {
            if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("the events retention must be positive");
            }
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("the events size limit must be positive");
            }
        }
    }

    /** Deletes what is beyond the limits at {@code now}; returns how many events were deleted. */
    long enforce(Instant now);

    @Override
    void close();
}
