package dev.brink.edge.agent;

import dev.brink.core.deployment.ModuleDefinition;

/** One command of a {@link Plan}. Each acts on exactly one module. */
public sealed interface PlanStep {
    String module();

    /** A step carrying the module's definition; the module is the one it defines. */
    sealed interface ForDefinition extends PlanStep {
        ModuleDefinition definition();

        @Override
        default String module() {
            return definition().name();
        }
    }

    /** Stop and remove an instance no longer in the deployment, and delete its identity. */
    record Remove(String module) implements PlanStep {
    }

    /** A new module: ensure its identity, prepare the image, start it when desired running. */
    record Add(ModuleDefinition definition) implements ForDefinition {
    }

    /** Its instance spec changed (version, image, env, createOptions): stop, remove, start (only this one). */
    record Update(ModuleDefinition definition) implements ForDefinition {
    }

    /** Desired status changed to running (or a pending instance): start it. */
    record Start(ModuleDefinition definition) implements ForDefinition {
    }

    /** Desired status changed to stopped: stop it. */
    record Stop(ModuleDefinition definition) implements ForDefinition {
    }

    /** The restart policy's back-off has elapsed: start it again. */
    record Restart(ModuleDefinition definition) implements ForDefinition {
    }

    /** Only policies or order changed: remember the new definition, touch nothing. */
    record Record(ModuleDefinition definition) implements ForDefinition {
    }
}
