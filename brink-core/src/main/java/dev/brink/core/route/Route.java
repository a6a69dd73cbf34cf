package dev.brink.core.route;

import dev.brink.core.message.Message;
import dev.brink.core.query.Condition;
import dev.brink.core.query.QuerySyntaxException;
import dev.brink.core.query.RouteStatement;
import dev.brink.core.query.ValueResolver;

/**
 * One compiled edge hub route {@code [SELECT *] FROM <source> [WHERE <condition>] INTO <sink>}.
 * Immutable and thread-safe: parsing and validation happen once in {@link #parse}; {@link #matches} is a
 * structural source comparison plus, when there is a WHERE clause, a walk over pre-compiled expression
 * records (no ANTLR at evaluation time).
 *
 * @param condition the WHERE condition, or null when the route has none (every message of the source matches)
 */
public record Route(String name, String text, RouteSource source, Condition condition, RouteSink sink) {

    /** Longest route text accepted (IoT Hub's query length limit). */
    public static final int MAX_LENGTH = 8192;

    /**
     * Parses and validates a route.
     *
     * @throws RouteException naming the route, with line and column for syntax errors
     */
    public static Route parse(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new RouteException(name, null, "the route text is empty", 0, 0);
        }
        if (text.length() > MAX_LENGTH) {
            throw new RouteException(name, null, "the route is " + text.length()
                    + " characters long; the maximum is " + MAX_LENGTH, 0, 0);
        }
        RouteStatement statement;
        try {
            statement = RouteStatement.parse(text);
        } catch (QuerySyntaxException e) {
            throw new RouteException(name, text, e.getMessage(), e.line(), e.column());
        }
        RouteSource source;
        try {
            source = RouteSource.parse(statement.source());
        } catch (IllegalArgumentException e) {
            throw new RouteException(name, text, at(statement.sourceLine(), statement.sourceColumn()) + e.getMessage(),
                    statement.sourceLine(), statement.sourceColumn());
        }
        RouteSink sink;
        try {
            sink = RouteSink.parse(statement.sinkName(), statement.sinkArgument());
        } catch (IllegalArgumentException e) {
            throw new RouteException(name, text, at(statement.sinkLine(), statement.sinkColumn()) + e.getMessage(),
                    statement.sinkLine(), statement.sinkColumn());
        }
        return new Route(name, text, source, statement.condition(), sink);
    }

    private static String at(int line, int column) {
        return "at line " + line + ", column " + column + ": ";
    }

    /** Whether a message from {@code from}, whose values {@code values} supplies, is selected by this route. */
    public boolean matches(MessageSource from, ValueResolver values) {
        return source.matches(from) && (condition == null || condition.test(values));
    }

    /** Convenience for one-off checks; routers share one {@link MessageValues} across all routes instead. */
    public boolean matches(Message message) {
        return matches(MessageSource.of(message), new MessageValues(message));
    }

    /** True when the condition may read {@code $body}, application or system properties. */
    public boolean hasCondition() {
        return condition != null;
    }

    @Override
    public String toString() {
        return name + ": " + text;
    }
}
