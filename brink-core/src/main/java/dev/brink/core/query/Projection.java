package dev.brink.core.query;

/**
 * One entry of a select list. {@code aggregate} is null for a plain expression; for an aggregate,
 * {@code expr} is its argument (null for COUNT()). {@code name} is the alias or the default result name;
 * null means "name it after the document's key" (a one-segment path, matched case-insensitively).
 */
record Projection(String name, Expr expr, AggregateFunction aggregate) {

    boolean isAggregate() {
        return aggregate != null;
    }
}
