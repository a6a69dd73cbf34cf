package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * CONTRACT STUB (to be implemented): a parsed IoT Hub twin query
 * {@code SELECT ... FROM devices|devices.modules [WHERE ...] [GROUP BY ...]}, evaluated against
 * service-side twin JSON documents (identity fields + tags + properties).
 */
public final class TwinQuery {

    /** Parses; a syntax error throws {@link QuerySyntaxException} naming line and column. */
    public static TwinQuery parse(String text) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** True for FROM devices.modules. */
    public boolean fromModules() {
        throw new UnsupportedOperationException();
    }

    /** TOP n, or -1 when absent. */
    public int top() {
        throw new UnsupportedOperationException();
    }

    /** Whether the WHERE clause (if any) is true for this twin document. */
    public boolean matches(JsonNode twin) {
        throw new UnsupportedOperationException();
    }

    /** True when the select list has aggregates (COUNT, SUM …) or the query has GROUP BY. */
    public boolean isAggregate() {
        throw new UnsupportedOperationException();
    }

    /** For a non-aggregate query: the result row for one matching twin ({@code SELECT *}: the twin itself). */
    public ObjectNode project(JsonNode twin) {
        throw new UnsupportedOperationException();
    }

    /** For an aggregate query: a fresh accumulator; feed it the matching twins, then read the rows. */
    public Aggregation newAggregation() {
        throw new UnsupportedOperationException();
    }

    public interface Aggregation {
        void accept(JsonNode matchingTwin);

        List<ObjectNode> rows();
    }
}
