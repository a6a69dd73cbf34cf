package dev.brink.edge.hub.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.message.SystemProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's properties as stored: {@code {"system":{"$.mid":..},"app":{..}}} keyed by wire names, so
 * {@link PropertyBag.Parsed} restores exactly what was sent (as the hub's C2D store does). The body is its own
 * BLOB column and {@code enqueuedTime} its own integer column (nanoseconds since the epoch).
 */
final class MessageCodec {
    private MessageCodec() {
    }

    static String properties(Message message) {
        ObjectNode json = Json.object();
        ObjectNode system = json.putObject("system");
        for (SystemProperty p : SystemProperty.values()) {
            String value = p.valueOf(message);
            if (value != null) {
                system.put(p.wireName(), value);
            }
        }
        ObjectNode app = json.putObject("app");
        message.properties().forEach(app::put);
        return Json.write(json);
    }

    static Message message(String properties, byte[] body, long enqueuedNanos) {
        JsonNode json = Json.parse(properties);
        return new PropertyBag.Parsed(toMap(json.path("system")), toMap(json.path("app"))).toBuilder()
                .body(body).enqueuedTime(fromNanos(enqueuedNanos)).build();
    }

    static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static Map<String, String> toMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
