package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge-patch arithmetic over property sections (pure functions; inputs are never mutated). Top-level
 * {@code $}-keys ({@code $version}, {@code $metadata}) are not properties and are skipped everywhere.
 */
final class TwinPatches {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TwinPatches() {
    }

    /** The section's properties: a deep copy without top-level {@code $}-keys. */
    static ObjectNode props(ObjectNode section) {
        ObjectNode out = NODES.objectNode();
        if (section != null) {
            section.properties().forEach(e -> {
                if (!e.getKey().startsWith("$")) {
                    out.set(e.getKey(), e.getValue().deepCopy());
                }
            });
        }
        return out;
    }

    /** {@code target} with {@code patch} merged in (RFC 7396: null removes, objects merge, anything else replaces). */
    static ObjectNode apply(ObjectNode target, ObjectNode patch) {
        ObjectNode out = target.deepCopy();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            JsonNode change = e.getValue();
            JsonNode current = out.get(key);
            if (change.isNull()) {
                out.remove(key);
            } else if (change.isObject()) {
                out.set(key, apply(current instanceof ObjectNode o ? o : NODES.objectNode(), (ObjectNode) change));
            } else {
                out.set(key, change.deepCopy());
            }
        }
        return out;
    }

    /**
     * The patch that turns {@code from} into {@code to}: changed values, removed keys as {@code null}, objects
     * diffed recursively. Empty when both are equal. ({@code $}-keys at the top level are ignored.)
     */
    static ObjectNode diff(ObjectNode from, ObjectNode to) {
        ObjectNode out = NODES.objectNode();
        for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith("$") && !to.has(key)) {
                out.putNull(key);
            }
        }
        for (Map.Entry<String, JsonNode> e : to.properties()) {
            String key = e.getKey();
            JsonNode old = from.get(key);
            JsonNode now = e.getValue();
            if (key.startsWith("$") || now.equals(old)) {
                continue;
            }
            if (old instanceof ObjectNode o && now instanceof ObjectNode n) {
                out.set(key, diff(o, n));
            } else {
                out.set(key, now.deepCopy());
            }
        }
        return out;
    }

    /**
     * One patch equivalent to applying {@code first}, then {@code second}, to {@code base} (the section as the hub
     * has it before {@code first}, or null when unknown). Explicit nulls are kept, so deletions still reach the hub.
     *
     * <p>The one case a plain merge of two patches gets wrong is a key that {@code first} removed or replaced by
     * a non-object and {@code second} sets to an object: merging {@code second}'s object into the hub's old object
     * would resurrect keys {@code first} deleted. There the result is the difference from the base's object
     * (its other keys as null), which is why the base is needed.
     */
    static ObjectNode combine(ObjectNode first, ObjectNode second, ObjectNode base) {
        ObjectNode out = first == null ? NODES.objectNode() : first.deepCopy();
        for (Map.Entry<String, JsonNode> e : second.properties()) {
            String key = e.getKey();
            JsonNode b = e.getValue();
            JsonNode a = out.get(key);
            JsonNode baseChild = base == null ? null : base.get(key);
            if (b.isObject() && a != null && a.isObject()) {
                out.set(key, combine((ObjectNode) a, (ObjectNode) b, baseChild instanceof ObjectNode o ? o : null));
            } else if (b.isObject() && a != null) {
                // first removed/replaced the key; second makes it an object again: replace, don't merge
                ObjectNode replacement = withoutNulls((ObjectNode) b);
                out.set(key, baseChild instanceof ObjectNode o ? diff(o, replacement) : replacement);
            } else {
                out.set(key, b.deepCopy());
            }
        }
        return out;
    }

    /** The patch applied to {} (nulls dropped recursively). */
    static ObjectNode withoutNulls(ObjectNode patch) {
        return apply(NODES.objectNode(), patch);
    }

    /** A section: {@code props} followed by {@code "$version": version}, as the hub's device GET shapes it. */
    static ObjectNode section(ObjectNode props, long version) {
        ObjectNode out = props.deepCopy();
        out.remove("$version");
        out.set("$version", number(version));
        return out;
    }

    /** The node a JSON parser yields for {@code v} (IntNode when it fits), so built and parsed trees compare equal. */
    static JsonNode number(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    /** The section's {@code $version}, or -1 when it has none. */
    static long version(JsonNode section) {
        JsonNode v = section == null ? null : section.get("$version");
        return v != null && v.canConvertToLong() ? v.longValue() : -1;
    }
}
