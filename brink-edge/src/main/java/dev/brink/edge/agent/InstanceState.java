package dev.brink.edge.agent;

import java.util.EnumSet;
import java.util.Set;

/**
 * The named states of a module instance's lifecycle (ARCHITECTURE.md: explicit state machines). Each state
 * knows which states may follow it and which {@code runtimeStatus} it reports (reference §2.1).
 */
public enum InstanceState {
    /** In the deployment, not started yet (new, or found not running after a reboot). */
    PENDING("unknown"),
    STARTING("unknown"),
    RUNNING("running"),
    STOPPING("running"),
    /** Not running and not to be restarted: desired stopped, or exited 0 under on-failure/on-unhealthy. */
    STOPPED("stopped"),
    /** Exited with a failure and the restart policy ({@code never}) leaves it so; or it could not start. */
    FAILED("failed"),
    /** Exited; a restart is scheduled after the back-off. */
    BACKOFF("backoff"),
    REMOVING("stopped"),
    REMOVED("unknown");

    private final String runtimeStatus;

    InstanceState(String runtimeStatus) {
        this.runtimeStatus = runtimeStatus;
    }

    public String runtimeStatus() {
        return runtimeStatus;
    }

    /** The states this one may move to. */
    public Set<InstanceState> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(STARTING, STOPPED, FAILED, REMOVING);
            case STARTING -> EnumSet.of(RUNNING, STOPPED, FAILED, BACKOFF, STOPPING, REMOVING);
            case RUNNING -> EnumSet.of(STOPPING, STOPPED, FAILED, BACKOFF, REMOVING);
            case STOPPING -> EnumSet.of(STOPPED, FAILED, REMOVING);
            case STOPPED, FAILED -> EnumSet.of(STARTING, STOPPED, REMOVING);
            case BACKOFF -> EnumSet.of(STARTING, STOPPED, FAILED, REMOVING);
            case REMOVING -> EnumSet.of(REMOVED);
            case REMOVED -> EnumSet.noneOf(InstanceState.class);
        };
    }

    public boolean isActive() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }
}
