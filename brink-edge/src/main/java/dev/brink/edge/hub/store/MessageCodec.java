package dev.brink.edge.hub.store;

import dev.brink.core.message.Message;
import dev.brink.core.message.MessagePropertiesJson;
import dev.brink.core.message.PropertyBag;
import java.time.Instant;

/**
 * A message's properties as stored: {@code {"system":{"$.mid":..},"app":{..}}} keyed by wire names, so
 * {@link PropertyBag.Parsed} restores exactly what was sent (as the hub's C2D store does). The body is its own
 * BLOB column and {@code enqueuedTime} its own integer column (nanoseconds since the epoch).
 */
final class MessageCodec {
    private MessageCodec() {
    }

    static String properties(Message message) {
        return MessagePropertiesJson.write(message);
    }

    static Message message(String properties, byte[] body, long enqueuedNanos) {
        return MessagePropertiesJson.read(properties).body(body).enqueuedTime(fromNanos(enqueuedNanos)).build();
    }

    static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
