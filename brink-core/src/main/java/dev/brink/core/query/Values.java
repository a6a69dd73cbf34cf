package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;

/**
 * Value rules of the query language. Java {@code null} stands for "undefined" everywhere inside the
 * evaluator; JSON null is {@code NullNode}. Numbers follow JavaScript-like semantics (doubles), but
 * integral results are returned as integer nodes so projections print {@code 3}, not {@code 3.0}.
 */
final class Values {
    private static final double MAX_SAFE_INTEGER = 9007199254740991d;

    private Values() {
    }

    static JsonNode defined(JsonNode node) {
        return node == null || node.isMissingNode() ? null : node;
    }

    static boolean isTrue(JsonNode node) {
        return node != null && node.isBoolean() && node.booleanValue();
    }

    static JsonNode bool(boolean value) {
        return BooleanNode.valueOf(value);
    }

    static boolean isNumber(JsonNode node) {
        return node != null && node.isNumber();
    }

    static boolean isString(JsonNode node) {
        return node != null && node.isTextual();
    }

    static boolean isPrimitive(JsonNode node) {
        return node != null && (node.isNull() || node.isBoolean() || node.isNumber() || node.isTextual());
    }

    /** A number node, or undefined for NaN and infinities (which JSON cannot carry). */
    static JsonNode number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        if (value == Math.rint(value) && Math.abs(value) <= MAX_SAFE_INTEGER) {
            long asLong = (long) value;
            return asLong == (int) asLong ? IntNode.valueOf((int) asLong) : LongNode.valueOf(asLong);
        }
        return DoubleNode.valueOf(value);
    }

    /**
     * Orders two primitives of the same kind (number/number, string/string, bool/bool, null/null);
     * returns null when they are not comparable, which makes the comparison undefined.
     */
    static Integer compare(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return null;
        }
        if (left.isNumber() && right.isNumber()) {
            double a = left.doubleValue();
            double b = right.doubleValue();
            return a < b ? -1 : (a > b ? 1 : 0);
        }
        if (left.isTextual() && right.isTextual()) {
            return Integer.signum(left.textValue().compareTo(right.textValue()));
        }
        if (left.isBoolean() && right.isBoolean()) {
            return Boolean.compare(left.booleanValue(), right.booleanValue());
        }
        if (left.isNull() && right.isNull()) {
            return 0;
        }
        return null;
    }
}
