package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.util.List;

/**
 * A parsed IoT Hub twin query
 * {@code SELECT [TOP n] ... FROM devices|devices.modules [WHERE ...] [GROUP BY ...]}, evaluated against
 * service-side twin JSON documents (identity fields + tags + properties). Immutable and thread-safe.
 * The caller (the hub's query service) scans the twins of the right kind, keeps those that
 * {@link #matches}, and either {@link #project}s them (stopping after {@link #top()} rows) or feeds them
 * to an {@link Aggregation} (which applies TOP to its rows itself).
 */
public final class TwinQuery {
    /** IoT Hub's limit on query text length. */
    public static final int MAX_LENGTH = 8192;

    private final QueryPlan plan;
    private final boolean aggregate;

    private TwinQuery(QueryPlan plan) {
        this.plan = plan;
        this.aggregate = plan.isAggregate();
    }

    /**
     * Parses; a syntax error throws {@link QuerySyntaxException} naming line and column; text longer
     * than {@link #MAX_LENGTH} throws {@link BrinkException} ArgumentInvalid.
     */
    public static TwinQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BrinkException(ErrorCode.ArgumentInvalid, "The query is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new BrinkException(ErrorCode.ArgumentInvalid, "The query is " + text.length()
                    + " characters long; the maximum is " + MAX_LENGTH);
        }
        return new TwinQuery(QueryCompiler.compileQuery(text));
    }

    /** True for FROM devices.modules. */
    public boolean fromModules() {
        return plan.fromModules();
    }

    /** TOP n, or -1 when absent. */
    public int top() {
        return plan.top();
    }

    /** Whether the WHERE clause (if any) is true for this twin document. */
    public boolean matches(JsonNode twin) {
        return plan.where() == null || Values.isTrue(plan.where().eval(path -> ValueResolver.resolveIn(twin, path)));
    }

    /** True when the select list has aggregates (COUNT, SUM …) or the query has GROUP BY. */
    public boolean isAggregate() {
        return aggregate;
    }

    /** For a non-aggregate query: the result row for one matching twin ({@code SELECT *}: the twin itself). */
    public ObjectNode project(JsonNode twin) {
        if (aggregate) {
            throw new IllegalStateException("project() called on an aggregate query; use newAggregation()");
        }
        List<Projection> projections = plan.projections();
        if (projections == null) {
            return (ObjectNode) twin;
        }
        ValueResolver resolver = path -> ValueResolver.resolveIn(twin, path);
        ObjectNode row = Json.object();
        for (Projection p : projections) {
            JsonNode value = p.expr().eval(resolver);
            if (value != null) {
                row.set(columnName(p, twin), value);
            }
        }
        return row;
    }

    /** For an aggregate query: a fresh accumulator; feed it the matching twins, then read the rows. */
    public Aggregation newAggregation() {
        if (!aggregate) {
            throw new IllegalStateException("newAggregation() called on a non-aggregate query; use project()");
        }
        return new GroupAggregation(plan);
    }

    /** Result name: the alias or fixed name, else a path's last segment (document spelling for top-level names). */
    static String columnName(Projection p, JsonNode twin) {
        if (p.name() != null) {
            return p.name();
        }
        Expr.Path path = (Expr.Path) p.expr();
        return path.segments().size() == 1 ? keyName(path.lastSegment(), twin) : path.lastSegment();
    }

    static String keyName(String name, JsonNode twin) {
        String key = ValueResolver.topLevelKey(twin, name);
        return key == null ? name : key;
    }

    public interface Aggregation {
        void accept(JsonNode matchingTwin);

        List<ObjectNode> rows();
    }
}
