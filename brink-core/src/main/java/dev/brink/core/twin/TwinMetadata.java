package dev.brink.core.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * One write's metadata stamp, and the conversion of stored metadata to the IoT Hub wire form.
 *
 * <p>{@code $metadata} mirrors the object tree of a section: every object level and every leaf carries the
 * stamp of its last change; arrays are leaves. Internally (and in storage) a stamp is compact —
 * {@code {"$t":<epoch millis>,"$v":<desired version>}} — because metadata would otherwise dominate the stored
 * twin (a 70-byte {@code {"$lastUpdated":"…","$lastUpdatedVersion":N}} per node), and parsing and writing the
 * stored text is the hot path of every patch. {@link #toWire} expands it for the service-side twin.
 *
 * @param millis  the time of the write, epoch milliseconds (the wire form has millisecond precision)
 * @param version the desired {@code $version} written by this operation, or -1 for reported (no version)
 */
record TwinMetadata(long millis, long version) {
    static final String TIME = "$t";
    static final String VERSION = "$v";
    static final String LAST_UPDATED = "$lastUpdated";
    static final String LAST_UPDATED_VERSION = "$lastUpdatedVersion";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static TwinMetadata desired(Instant now, long desiredVersion) {
        return new TwinMetadata(now.toEpochMilli(), desiredVersion);
    }

    static TwinMetadata reported(Instant now) {
        return new TwinMetadata(now.toEpochMilli(), -1);
    }

    static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Sets this stamp on one metadata level (the node must be a private, still-mutable copy). */
    ObjectNode stamp(ObjectNode level) {
        level.set(TIME, LongNode.valueOf(millis));
        if (version >= 0) {
            level.set(VERSION, TwinLimits.integer(version));
        }
        return level;
    }

    /** Fresh metadata for a value written by this operation (the whole subtree gets this stamp). */
    ObjectNode tree(JsonNode value) {
        ObjectNode level = stamp(NODES.objectNode());
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                level.set(e.getKey(), tree(e.getValue()));
            }
        }
        return level;
    }

    /** The IoT Hub form of stored metadata: {@code $lastUpdated} (UTC, millis) and {@code $lastUpdatedVersion}. */
    static ObjectNode toWire(ObjectNode stored) {
        return toWire(stored, new HashMap<>());
    }

    private static ObjectNode toWire(JsonNode stored, Map<Long, String> formatted) {
        ObjectNode out = NODES.objectNode();
        JsonNode time = stored.get(TIME);
        if (time != null) {
            // Most nodes share a handful of write times: format each once.
            out.put(LAST_UPDATED, formatted.computeIfAbsent(time.longValue(), TwinMetadata::format));
        }
        JsonNode version = stored.get(VERSION);
        if (version != null) {
            out.set(LAST_UPDATED_VERSION, version);
        }
        for (Map.Entry<String, JsonNode> e : stored.properties()) {
            if (!e.getKey().startsWith("$") && e.getValue().isObject()) {
                out.set(e.getKey(), toWire(e.getValue(), formatted));
            }
        }
        return out;
    }
}
