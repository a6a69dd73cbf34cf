package dev.brink.edge.agent;

import dev.brink.core.deployment.DesiredStatus;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.deployment.ModuleDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the desired deployment with the tracked instances and returns the plan (reference §2.3, reworked):
 * removals first, then per module in ascending {@code startupOrder} (ties by name): add, update (only the
 * changed module), desired-status change, or a due restart. Pure: no I/O, time only from the restart manager.
 */
public final class Planner {
    private final RestartPolicyManager restarts;

    public Planner(RestartPolicyManager restarts) {
        this.restarts = Objects.requireNonNull(restarts, "restarts");
    }

    public Plan plan(EdgeDeployment desired, Map<String, ModuleInstance> current) {
        List<PlanStep> steps = new ArrayList<>();
        for (ModuleInstance instance : current.values()) {
            if (!desired.modules().containsKey(instance.name()) && instance.state() != InstanceState.REMOVED) {
                steps.add(new PlanStep.Remove(instance.name()));
            }
        }
        Instant wakeUp = null;
        for (ModuleDefinition def : desired.modulesInStartupOrder()) {
            ModuleInstance instance = current.get(def.name());
            PlanStep step = instance == null || instance.state() == InstanceState.REMOVED
                    ? new PlanStep.Add(def) : stepFor(def, instance);
            if (step != null) {
                steps.add(step);
            } else if (instance != null && instance.state() == InstanceState.BACKOFF) {
                Instant due = restarts.dueAt(def.name());
                if (due != null && (wakeUp == null || due.isBefore(wakeUp))) {
                    wakeUp = due;
                }
            }
        }
        return new Plan(steps, wakeUp);
    }

    /** The step for a module that is both desired and tracked, or null when nothing is to be done now. */
    private PlanStep stepFor(ModuleDefinition def, ModuleInstance instance) {
        ModuleDefinition recorded = instance.definition();
        if (!def.sameInstanceSpec(recorded)) {
            return new PlanStep.Update(def);
        }
        InstanceState state = instance.state();
        boolean wantRunning = def.status() == DesiredStatus.RUNNING;
        if (!wantRunning) {
            if (state == InstanceState.STOPPED || state == InstanceState.FAILED || state == InstanceState.PENDING) {
                return def.equals(recorded) && state != InstanceState.PENDING ? null : new PlanStep.Stop(def);
            }
            return new PlanStep.Stop(def);
        }
        if (state == InstanceState.PENDING || recorded.status() == DesiredStatus.STOPPED) {
            return new PlanStep.Start(def);
        }
        if (state == InstanceState.BACKOFF && restarts.isDue(def.name())) {
            return new PlanStep.Restart(def);
        }
        return def.equals(recorded) ? null : new PlanStep.Record(def);
    }
}
