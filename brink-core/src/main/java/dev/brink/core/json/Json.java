package dev.brink.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/** The shared Jackson mapper and small helpers; one configuration for every program. */
public final class Json {
    public static final ObjectMapper MAPPER = createMapper();

    private Json() {
    }

    private static ObjectMapper createMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        mapper.configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, false);
        return mapper;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses JSON text; malformed input becomes a 400 {@link ErrorCode#ArgumentInvalid} error. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new BrinkException(ErrorCode.ArgumentInvalid, "Request body is empty; a JSON document is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BrinkException(ErrorCode.ArgumentInvalid, "Invalid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
    }

    public static JsonNode parse(byte[] bytes) {
        return parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Parses JSON text that must be an object. */
    public static ObjectNode parseObject(String text) {
        JsonNode node = parse(text);
        if (!node.isObject()) {
            throw new BrinkException(ErrorCode.ArgumentInvalid, "Expected a JSON object but got " + node.getNodeType().name().toLowerCase());
        }
        return (ObjectNode) node;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + value.getClass().getName(), e);
        }
    }
}
