package dev.brink.core.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The IoT Hub twin limits (protocol reference §3.3 and §8). Content rules (keys, values, depth) are checked
 * while copying the incoming patch into fresh, normalised nodes; the section size is checked on the result
 * of the operation. Every violation is a {@link ErrorCode#ArgumentInvalid} naming the path and the rule.
 */
public final class TwinLimits {
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    public static final int MAX_DESIRED_BYTES = 32 * 1024;
    public static final int MAX_REPORTED_BYTES = 32 * 1024;
    /** A section's top-level members are at depth 1; a value nested one object/array further is at depth 2. */
    public static final int MAX_DEPTH = 10;
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_STRING_BYTES = 4096;
    public static final long MIN_INTEGER = -4503599627370496L;
    public static final long MAX_INTEGER = 4503599627370495L;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TwinLimits() {
    }

    /**
     * Validates a section patch (or replacement) body and returns a normalised deep copy of it: top-level
     * {@code $}-keys (read-only {@code $version}, {@code $metadata}, which the SDKs sometimes echo) are dropped,
     * integers become Int/LongNode and floats DoubleNode so that equality and storage round trips are exact.
     * Object members may be null (a removal); array elements may not.
     */
    static ObjectNode sectionPatch(String section, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(section, "must be a JSON object but is " + describe(body));
        }
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (e.getKey().startsWith("$")) {
                continue;
            }
            String path = section + "." + e.getKey();
            checkKey(path, e.getKey());
            out.set(e.getKey(), copyValue(path, e.getValue(), 1, false));
        }
        return out;
    }

    /** Throws unless the compact UTF-8 JSON of {@code props} (which holds no $-keys) fits in {@code maxBytes}. */
    static void checkSize(String section, ObjectNode props, int maxBytes) {
        long size = utf8JsonLength(props);
        if (size > maxBytes) {
            throw invalid(section, "size " + size + " bytes exceeds the limit of " + maxBytes
                    + " bytes (UTF-8 compact JSON, excluding $version and $metadata)");
        }
    }

    /** Length in bytes of the compact JSON of {@code node}, without materialising it. */
    public static long utf8JsonLength(JsonNode node) {
        CountingStream counter = new CountingStream();
        try {
            Json.MAPPER.writeValue(counter, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count;
    }

    /** Key rules: non-empty, ≤ 1024 UTF-8 bytes, no '.', '$', '#', whitespace or C0/C1 control characters. */
    public static void checkKey(String path, String key) {
        if (key.isEmpty()) {
            throw invalid(path, "key must not be empty");
        }
        if (utf8Length(key) > MAX_KEY_BYTES) {
            throw invalid(path, "key is longer than " + MAX_KEY_BYTES + " bytes (UTF-8)");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == '#') {
                throw invalid(path, "key must not contain '" + c + "'");
            }
            if (Character.isISOControl(c)) {
                throw invalid(path, String.format("key must not contain control character U+%04X", (int) c));
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw invalid(path, String.format("key must not contain whitespace (U+%04X)", (int) c));
            }
        }
    }

    private static JsonNode copyValue(String path, JsonNode value, int depth, boolean inArray) {
        if (depth > MAX_DEPTH) {
            throw invalid(path, "nesting depth exceeds the limit of " + MAX_DEPTH + " levels");
        }
        switch (value.getNodeType()) {
            case NULL:
                // A member null is a removal; inside an array (even in an object there) it has no meaning.
                if (inArray) {
                    throw invalid(path, "null is not allowed inside arrays");
                }
                return value;
            case BOOLEAN:
                return value;
            case STRING:
                if (utf8Length(value.textValue()) > MAX_STRING_BYTES) {
                    throw invalid(path, "string value is longer than " + MAX_STRING_BYTES + " bytes (UTF-8)");
                }
                return value;
            case NUMBER:
                return number(path, value);
            case OBJECT:
                return copyObject(path, value, depth, inArray);
            case ARRAY:
                return copyArray(path, value, depth);
            default:
                throw invalid(path, "unsupported value type " + describe(value));
        }
    }

    private static ObjectNode copyObject(String path, JsonNode value, int depth, boolean inArray) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String childPath = path + "." + e.getKey();
            checkKey(childPath, e.getKey());
            out.set(e.getKey(), copyValue(childPath, e.getValue(), depth + 1, inArray));
        }
        return out;
    }

    private static ArrayNode copyArray(String path, JsonNode value, int depth) {
        ArrayNode out = NODES.arrayNode(value.size());
        for (int i = 0; i < value.size(); i++) {
            String childPath = path + "[" + i + "]";
            JsonNode element = value.get(i);
            out.add(copyValue(childPath, element, depth + 1, true));
        }
        return out;
    }

    private static JsonNode number(String path, JsonNode value) {
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw integerOutOfRange(path);
            }
            long v = value.longValue();
            if (v < MIN_INTEGER || v > MAX_INTEGER) {
                throw integerOutOfRange(path);
            }
            return integer(v);
        }
        // Floats: keep what a JSON parser would produce from the written text (DoubleNode).
        double d = value.isFloat() ? Double.parseDouble(value.asText()) : value.doubleValue();
        if (!Double.isFinite(d)) {
            throw invalid(path, "number must be finite");
        }
        return value.isDouble() ? value : DoubleNode.valueOf(d);
    }

    /** The node a JSON parser yields for {@code v} (IntNode when it fits), so parsed and built trees compare equal. */
    static JsonNode integer(long v) {
        return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
    }

    private static BrinkException integerOutOfRange(String path) {
        return invalid(path, "integer is outside [" + MIN_INTEGER + ", " + MAX_INTEGER + "]");
    }

    static BrinkException invalid(String path, String rule) {
        return new BrinkException(ErrorCode.ArgumentInvalid, "Invalid twin " + path + ": " + rule);
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "absent" : node.getNodeType().name().toLowerCase();
    }

    /** UTF-8 length without encoding (unpaired surrogates count as the 3-byte replacement, like the encoder's '?'). */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
