package dev.brink.core.query;

import static dev.brink.core.query.Values.bool;
import static dev.brink.core.query.Values.isNumber;
import static dev.brink.core.query.Values.isString;
import static dev.brink.core.query.Values.number;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * The scalar functions of IoT Hub queries and routing conditions. Arguments of the wrong type give
 * undefined (never an exception), like Cosmos DB SQL, which the IoT Hub language derives from.
 * Arguments arrive as evaluated values with {@code null} meaning undefined.
 */
enum BuiltinFunction {
    IS_DEFINED(1, 1, a -> bool(a[0] != null)),
    IS_NULL(1, 1, a -> bool(a[0] != null && a[0].isNull())),
    IS_BOOL(1, 1, a -> bool(a[0] != null && a[0].isBoolean())),
    IS_NUMBER(1, 1, a -> bool(isNumber(a[0]))),
    IS_STRING(1, 1, a -> bool(isString(a[0]))),
    IS_OBJECT(1, 1, a -> bool(a[0] != null && a[0].isObject())),
    IS_ARRAY(1, 1, a -> bool(a[0] != null && a[0].isArray())),
    IS_PRIMITIVE(1, 1, a -> bool(Values.isPrimitive(a[0]))),
    ABS(1, 1, math(Math::abs)),
    CEILING(1, 1, math(Math::ceil)),
    FLOOR(1, 1, math(Math::floor)),
    SIGN(1, 1, math(Math::signum)),
    SQRT(1, 1, math(Math::sqrt)),
    SQUARE(1, 1, math(x -> x * x)),
    EXP(1, 1, math(Math::exp)),
    POWER(2, 2, a -> isNumber(a[0]) && isNumber(a[1]) ? number(Math.pow(a[0].doubleValue(), a[1].doubleValue())) : null),
    AS_NUMBER(1, 1, BuiltinFunction::asNumber),
    CONCAT(1, Integer.MAX_VALUE, BuiltinFunction::concat),
    LENGTH(1, 1, a -> isString(a[0]) ? number(a[0].textValue().length()) : null),
    LOWER(1, 1, a -> isString(a[0]) ? TextNode.valueOf(a[0].textValue().toLowerCase(Locale.ROOT)) : null),
    UPPER(1, 1, a -> isString(a[0]) ? TextNode.valueOf(a[0].textValue().toUpperCase(Locale.ROOT)) : null),
    SUBSTRING(2, 3, BuiltinFunction::substring),
    INDEX_OF(2, 2, a -> strings(a) ? number(a[0].textValue().indexOf(a[1].textValue())) : null),
    STARTS_WITH(2, 2, a -> strings(a) ? bool(a[0].textValue().startsWith(a[1].textValue())) : null),
    ENDS_WITH(2, 2, a -> strings(a) ? bool(a[0].textValue().endsWith(a[1].textValue())) : null),
    CONTAINS(2, 2, a -> strings(a) ? bool(a[0].textValue().contains(a[1].textValue())) : null),
    /**
     * Route conditions on twin change notifications ({@code twin_change_includes(properties.desired.x)}).
     * Stub: always undefined, because Brink's edge hub does not route twin change notifications yet.
     */
    TWIN_CHANGE_INCLUDES(1, Integer.MAX_VALUE, a -> null);

    @FunctionalInterface
    interface Impl {
        JsonNode apply(JsonNode[] arguments);
    }

    private final int minArguments;
    private final int maxArguments;
    private final Impl impl;

    BuiltinFunction(int minArguments, int maxArguments, Impl impl) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.impl = impl;
    }

    /** The function with this name (case-insensitive), or null. */
    static BuiltinFunction byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    boolean acceptsArity(int count) {
        return count >= minArguments && count <= maxArguments;
    }

    String arityText() {
        if (minArguments == maxArguments) {
            return minArguments + (minArguments == 1 ? " argument" : " arguments");
        }
        return maxArguments == Integer.MAX_VALUE ? "at least " + minArguments + " arguments"
                : minArguments + " to " + maxArguments + " arguments";
    }

    JsonNode apply(JsonNode[] arguments) {
        return impl.apply(arguments);
    }

    private static Impl math(DoubleUnaryOperator op) {
        return a -> isNumber(a[0]) ? number(op.applyAsDouble(a[0].doubleValue())) : null;
    }

    private static boolean strings(JsonNode[] a) {
        return isString(a[0]) && isString(a[1]);
    }

    private static JsonNode asNumber(JsonNode[] a) {
        if (isNumber(a[0])) {
            return a[0];
        }
        if (!isString(a[0])) {
            return null;
        }
        String text = a[0].textValue().trim();
        try {
            return text.isEmpty() || !text.matches("[-+0-9.eE]+") ? null : number(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode concat(JsonNode[] a) {
        StringBuilder out = new StringBuilder();
        for (JsonNode value : a) {
            if (!isString(value)) {
                return null;
            }
            out.append(value.textValue());
        }
        return TextNode.valueOf(out.toString());
    }

    /** SUBSTRING(s, start[, length]) with a zero-based start; out-of-range bounds are clamped. */
    private static JsonNode substring(JsonNode[] a) {
        if (!isString(a[0]) || !isNumber(a[1]) || (a.length > 2 && !isNumber(a[2]))) {
            return null;
        }
        String s = a[0].textValue();
        long start = Math.max(0, Math.min(s.length(), (long) a[1].doubleValue()));
        long length = a.length > 2 ? Math.max(0, (long) a[2].doubleValue()) : s.length();
        long end = Math.min(s.length(), start + length);
        return TextNode.valueOf(s.substring((int) start, (int) end));
    }
}
