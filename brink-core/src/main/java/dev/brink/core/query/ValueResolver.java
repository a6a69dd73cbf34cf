package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;

/**
 * Supplies the value of an attribute path ({@code tags.location.region}, {@code $body.temperature},
 * {@code $connectionDeviceId}) while a {@link Condition} or {@link TwinQuery} is evaluated.
 * Returns {@code null} or a {@code MissingNode} when the path is undefined; JSON {@code null} is a value.
 */
@FunctionalInterface
public interface ValueResolver {

    JsonNode resolve(List<String> path);

    /**
     * The value of a braced system property {@code {$name}} ({@code name} includes the {@code $}). Message
     * resolvers override this so the braced form never falls back to an application property; the default
     * resolves it like the one-segment path {@code $name}.
     */
    default JsonNode resolveSystemProperty(String name) {
        return resolve(List.of(name));
    }

    /**
     * A resolver over one JSON document, with the twin-query rules: the first segment matches the
     * document's top-level names case-insensitively (identity names like {@code DeviceId}); deeper
     * segments are case-sensitive; an integer segment indexes into an array.
     */
    static ValueResolver forDocument(JsonNode document) {
        return path -> resolveIn(document, path);
    }

    /** See {@link #forDocument}; exposed so hot loops can resolve without allocating a resolver. */
    static JsonNode resolveIn(JsonNode document, List<String> path) {
        if (path.isEmpty()) {
            return document;
        }
        JsonNode node = topLevel(document, path.get(0));
        for (int i = 1; i < path.size() && node != null; i++) {
            node = child(node, path.get(i));
        }
        return node;
    }

    /** The document's own spelling of a top-level name matched case-insensitively, or null. */
    static String topLevelKey(JsonNode document, String name) {
        if (document == null || !document.isObject()) {
            return null;
        }
        if (document.has(name)) {
            return name;
        }
        for (Iterator<String> it = document.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equalsIgnoreCase(name)) {
                return key;
            }
        }
        return null;
    }

    private static JsonNode topLevel(JsonNode document, String name) {
        if (document == null || !document.isObject()) {
            return null;
        }
        JsonNode exact = document.get(name);
        if (exact != null) {
            return exact;
        }
        String key = topLevelKey(document, name);
        return key == null ? null : document.get(key);
    }

    private static JsonNode child(JsonNode node, String segment) {
        if (node.isObject()) {
            return node.get(segment);
        }
        if (node.isArray() && !segment.isEmpty() && segment.chars().allMatch(Character::isDigit)) {
            return segment.length() > 9 ? null : node.get(Integer.parseInt(segment));
        }
        return null;
    }
}
