package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A compiled boolean condition in the IoT Hub query language: the WHERE clause of twin queries and the
 * condition of message routes ({@code $body.temperature > 30 AND $connectionDeviceId = 'd1'}).
 * Immutable and thread-safe; parse once, test many times.
 */
public final class Condition {
    private final Expr expr;

    private Condition(Expr expr) {
        this.expr = expr;
    }

    static Condition of(Expr expr) {
        return new Condition(expr);
    }

    /** Parses a stand-alone condition; errors throw {@link QuerySyntaxException} naming line and column. */
    public static Condition parse(String text) {
        return new Condition(QueryCompiler.compileCondition(text));
    }


    /** True only when the condition evaluates to boolean true; undefined and non-boolean values are false. */
    public boolean test(ValueResolver resolver) {
        return Values.isTrue(expr.eval(resolver));
    }

    /** The condition's value (any JSON value), or null when undefined. */
    public JsonNode evaluate(ValueResolver resolver) {
        return expr.eval(resolver);
    }
}
