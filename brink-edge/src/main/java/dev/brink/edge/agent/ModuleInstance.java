package dev.brink.edge.agent;

import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.edge.runtime.InstanceStatus;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One module instance as the agent tracks it: the definition it was created from, its lifecycle state and the
 * last facts the runtime told about it. Always in exactly one {@link InstanceState}; every transition is
 * checked against {@link InstanceState#next()} and logged. Touched only by the reconciler thread.
 */
public final class ModuleInstance {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleInstance.class);

    private final String name;
    private ModuleDefinition definition;
    private InstanceState state;
    private String statusDescription = "";
    private Integer exitCode;
    private Instant lastStartTime;
    private Instant lastExitTime;
    private String imageId;

    public ModuleInstance(ModuleDefinition definition, InstanceState initial) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.name = definition.name();
        this.state = initial;
        LOG.info("module {}: {} (tracked)", name, initial);
    }

    /** Moves to {@code to}; an illegal move is a bug, so it throws instead of silently corrupting the state. */
    public void transition(InstanceState to, String reason) {
        if (to == state) {
            statusDescription = reason == null ? statusDescription : reason;
            return;
        }
        if (!state.next().contains(to)) {
            throw new IllegalStateException("module " + name + ": illegal transition " + state + " -> " + to);
        }
        LOG.info("module {}: {} -> {}{}", name, state, to, reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
        state = to;
        statusDescription = reason == null ? "" : reason;
    }

    /** Takes the runtime's facts (times, exit code) without changing the state. */
    public void observe(InstanceStatus status) {
        if (status == null) {
            return;
        }
        if (status.startedAt() != null) {
            lastStartTime = status.startedAt();
        }
        if (status.exitedAt() != null) {
            lastExitTime = status.exitedAt();
        }
        if (status.exitCode() != null) {
            exitCode = status.exitCode();
        }
        if (status.imageId() != null) {
            imageId = status.imageId();
        }
    }

    public String name() {
        return name;
    }

    public ModuleDefinition definition() {
        return definition;
    }

    /** Records a new definition the running instance already satisfies (status/policy/order changes). */
    public void redefine(ModuleDefinition newDefinition) {
        this.definition = Objects.requireNonNull(newDefinition, "definition");
    }

    public InstanceState state() {
        return state;
    }

    public String statusDescription() {
        return statusDescription;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public Instant lastStartTime() {
        return lastStartTime;
    }

    public Instant lastExitTime() {
        return lastExitTime;
    }

    public String imageId() {
        return imageId;
    }

    @Override
    public String toString() {
        return "ModuleInstance[" + name + ", " + state + "]";
    }
}
