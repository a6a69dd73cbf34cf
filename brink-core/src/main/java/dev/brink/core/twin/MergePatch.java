package dev.brink.core.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON merge-patch (RFC 7396 style) over immutable trees, maintaining {@code $metadata} alongside.
 *
 * <p>Copy-on-write: only the objects on the path of a change are copied (shallowly); untouched subtrees are
 * shared between the old and the new document, which is safe because documents never mutate their nodes.
 * The patch must already be validated and normalised by {@link TwinLimits#sectionPatch}; its nodes are
 * adopted into the result.
 */
final class MergePatch {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The merged value and its metadata (null metadata when the section keeps none, i.e. tags). */
    record Merged(ObjectNode value, ObjectNode metadata) {
    }

    private MergePatch() {
    }

    /**
     * Applies {@code patch} to {@code target}. Returns null when nothing changes.
     *
     * @param metadata the metadata level matching {@code target}, or null to keep no metadata
     * @param stamp    the stamp for touched levels; ignored when {@code metadata} is null
     */
    static Merged apply(ObjectNode target, ObjectNode metadata, ObjectNode patch, TwinMetadata stamp) {
        ObjectNode out = null;
        ObjectNode outMeta = null;
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            JsonNode change = e.getValue();
            JsonNode current = target.get(key);
            JsonNode newValue;
            ObjectNode newMeta;
            if (change.isNull()) {
                if (current == null) {
                    continue;
                }
                newValue = null;
                newMeta = null;
            } else if (change.isObject() && current != null && current.isObject()) {
                Merged child = apply((ObjectNode) current, childMetadata(metadata, key), (ObjectNode) change, stamp);
                if (child == null) {
                    continue;
                }
                newValue = child.value();
                newMeta = child.metadata();
            } else {
                newValue = change.isObject() ? withoutNulls((ObjectNode) change) : change;
                if (newValue.equals(current)) {
                    continue;
                }
                newMeta = metadata == null ? null : stamp.tree(newValue);
            }
            if (out == null) {
                out = shallowCopy(target);
                outMeta = metadata == null ? null : shallowCopy(metadata);
            }
            if (newValue == null) {
                out.remove(key);
                if (outMeta != null) {
                    outMeta.remove(key);
                }
            } else {
                out.set(key, newValue);
                if (outMeta != null) {
                    outMeta.set(key, newMeta);
                }
            }
        }
        if (out == null) {
            return null;
        }
        // This level changed (an addition, replacement or removal below it): deletions stay visible here.
        return new Merged(out, outMeta == null ? null : stamp.stamp(outMeta));
    }

    /** Merge-patch of an object onto a non-object: the patch applied to {}, i.e. nulls dropped recursively. */
    static ObjectNode withoutNulls(ObjectNode patch) {
        if (!hasNull(patch)) {
            return patch;
        }
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            JsonNode v = e.getValue();
            if (!v.isNull()) {
                out.set(e.getKey(), v.isObject() ? withoutNulls((ObjectNode) v) : v);
            }
        }
        return out;
    }

    private static boolean hasNull(JsonNode object) {
        for (JsonNode v : object) {
            if (v.isNull() || (v.isObject() && hasNull(v))) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode childMetadata(ObjectNode metadata, String key) {
        if (metadata == null) {
            return null;
        }
        JsonNode child = metadata.get(key);
        // Tolerate a missing level (e.g. hand-edited storage) by starting a fresh one.
        return child instanceof ObjectNode o ? o : NODES.objectNode();
    }

    static ObjectNode shallowCopy(ObjectNode node) {
        ObjectNode copy = NODES.objectNode();
        copy.setAll(node);
        return copy;
    }
}
