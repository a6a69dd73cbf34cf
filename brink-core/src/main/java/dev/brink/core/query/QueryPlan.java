package dev.brink.core.query;

import java.util.List;

/** A compiled twin query. {@code projections} is null for {@code SELECT *}; {@code where} null when absent. */
record QueryPlan(boolean fromModules, int top, List<Projection> projections, Expr where, List<Expr.Path> groupBy) {

    boolean isAggregate() {
        return !groupBy.isEmpty() || (projections != null && projections.stream().anyMatch(Projection::isAggregate));
    }
}
