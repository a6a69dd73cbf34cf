package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates an aggregate query: one group per distinct GROUP BY key tuple (or a single group when
 * there is no GROUP BY), in first-seen order. Plain projections (which must be GROUP BY paths) are
 * evaluated on the first twin of their group; GROUP BY keys not in the select list are added under their
 * last segment name. TOP limits the number of rows.
 */
final class GroupAggregation implements TwinQuery.Aggregation {
    private final QueryPlan plan;
    private final Map<List<JsonNode>, Group> groups = new LinkedHashMap<>();

    GroupAggregation(QueryPlan plan) {
        this.plan = plan;
    }

    @Override
    public void accept(JsonNode twin) {
        ValueResolver resolver = ValueResolver.forDocument(twin);
        JsonNode[] key = new JsonNode[plan.groupBy().size()];
        for (int i = 0; i < key.length; i++) {
            JsonNode value = plan.groupBy().get(i).eval(resolver);
            key[i] = value == null ? MissingNode.getInstance() : value;
        }
        groups.computeIfAbsent(Arrays.asList(key), k -> new Group(twin)).accept(resolver);
    }

    @Override
    public List<ObjectNode> rows() {
        List<ObjectNode> rows = new ArrayList<>();
        if (groups.isEmpty() && plan.groupBy().isEmpty()) {
            rows.add(new Group(null).row(List.of()));
        }
        for (Map.Entry<List<JsonNode>, Group> entry : groups.entrySet()) {
            if (plan.top() >= 0 && rows.size() >= plan.top()) {
                break;
            }
            rows.add(entry.getValue().row(entry.getKey()));
        }
        return rows;
    }

    private List<Projection> projections() {
        return plan.projections() == null ? List.of() : plan.projections();
    }

    private final class Group {
        private final JsonNode first;
        private final List<Accumulator> accumulators = new ArrayList<>();

        Group(JsonNode first) {
            this.first = first;
            for (Projection p : projections()) {
                if (p.isAggregate()) {
                    accumulators.add(new Accumulator(p.aggregate(), p.expr()));
                }
            }
        }

        void accept(ValueResolver resolver) {
            for (Accumulator accumulator : accumulators) {
                accumulator.accept(resolver);
            }
        }

        ObjectNode row(List<JsonNode> key) {
            ObjectNode row = Json.object();
            ValueResolver resolver = ValueResolver.forDocument(first);
            int next = 0;
            for (Projection p : projections()) {
                JsonNode value = p.isAggregate() ? accumulators.get(next++).result() : p.expr().eval(resolver);
                if (value != null) {
                    row.set(TwinQuery.columnName(p, first), value);
                }
            }
            for (int i = 0; i < key.size(); i++) {
                Expr.Path path = plan.groupBy().get(i);
                boolean projected = projections().stream()
                        .anyMatch(p -> p.expr() instanceof Expr.Path q && !p.isAggregate() && q.sameAs(path));
                if (!projected && !key.get(i).isMissingNode()) {
                    row.set(path.segments().size() == 1 ? TwinQuery.keyName(path.lastSegment(), first)
                            : path.lastSegment(), key.get(i));
                }
            }
            return row;
        }
    }

    /** One aggregate's running state; non-numeric values are ignored by SUM, AVG, MIN and MAX. */
    private static final class Accumulator {
        private final AggregateFunction function;
        private final Expr argument;
        private long count;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        Accumulator(AggregateFunction function, Expr argument) {
            this.function = function;
            this.argument = argument;
        }

        void accept(ValueResolver resolver) {
            if (function == AggregateFunction.COUNT) {
                count++;
                return;
            }
            JsonNode value = argument.eval(resolver);
            if (!Values.isNumber(value)) {
                return;
            }
            double v = value.doubleValue();
            count++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }

        JsonNode result() {
            return switch (function) {
                case COUNT -> Values.number(count);
                case SUM -> Values.number(sum);
                case AVG -> count == 0 ? null : Values.number(sum / count);
                case MIN -> count == 0 ? null : Values.number(min);
                case MAX -> count == 0 ? null : Values.number(max);
            };
        }
    }
}
