package dev.brink.edge.runtime;

import java.time.Instant;

/**
 * What a runtime knows about one instance.
 *
 * @param state        the runtime's view; the agent maps it to {@code runtimeStatus}
 * @param exitCode     the last exit code, or null when it never exited
 * @param description  a short human-readable reason (e.g. "exited with 1", "killed by SIGKILL")
 * @param imageId      the resolved image (digest or id) the instance runs
 */
public record InstanceStatus(
        String name,
        State state,
        Integer exitCode,
        Instant startedAt,
        Instant exitedAt,
        String description,
        String imageId) {

    public enum State { CREATED, RUNNING, EXITED, FAILED, UNKNOWN }
}
