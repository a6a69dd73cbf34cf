package dev.brink.edge.agent;

import java.time.Instant;
import java.util.List;

/**
 * What to do now, in order, and when to look again.
 *
 * @param wakeUpAt the earliest pending restart, or null: the reconciler schedules itself for that time
 */
public record Plan(List<PlanStep> steps, Instant wakeUpAt) {
    public Plan {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }
}
