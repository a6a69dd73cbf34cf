package dev.brink.edge.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Maps the engine's view of a container to {@link InstanceStatus}. */
final class InstanceStatuses {

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private InstanceStatuses() {
    }

    /**
     * @param stoppedByBrink whether Brink asked the engine to stop this container; its exit is then
     *                       "stopped", not a failure, whatever code the signal left
     */
    static InstanceStatus from(String module, InspectContainerResponse inspect, boolean stoppedByBrink) {
        InspectContainerResponse.ContainerState s = inspect.getState();
        String status = s == null || s.getStatus() == null ? "unknown" : s.getStatus();
        Instant startedAt = s == null ? null : time(s.getStartedAt());
        boolean exited = status.equals("exited") || status.equals("dead") || status.equals("stopped");
        Integer exitCode = exited && s.getExitCodeLong() != null ? s.getExitCodeLong().intValue() : null;
        Instant exitedAt = exited ? time(s.getFinishedAt()) : null;
        boolean oomKilled = s != null && Boolean.TRUE.equals(s.getOOMKilled());
        String error = s == null ? null : s.getError();
        State state = switch (status) {
            case "created", "configured" -> State.CREATED;
            case "running", "paused", "restarting" -> State.RUNNING;
            case "exited", "stopped" -> stoppedByBrink || (exitCode != null && exitCode == 0 && !oomKilled)
                    ? State.EXITED : State.FAILED;
            case "dead" -> State.FAILED;
            default -> State.UNKNOWN;
        };
        String description = exited ? exitDescription(exitCode, oomKilled, stoppedByBrink, error) : status;
        return new InstanceStatus(module, state, exitCode, startedAt, exitedAt, description, inspect.getImageId());
    }

    /** For a container that is already gone when its exit is reported: all that is left is the event. */
    static InstanceStatus fromExitEvent(String module, Integer exitCode, Instant at, boolean stoppedByBrink) {
        State state = stoppedByBrink || (exitCode != null && exitCode == 0) ? State.EXITED : State.FAILED;
        return new InstanceStatus(module, state, exitCode, null, at,
                exitDescription(exitCode, false, stoppedByBrink, null), null);
    }

    static String exitDescription(Integer exitCode, boolean oomKilled, boolean stoppedByBrink, String error) {
        String text;
        if (oomKilled) {
            text = "killed: out of memory (exit code " + exitCode + ")";
        } else if (exitCode == null) {
            text = "exited";
        } else if (exitCode > 128 && SIGNALS.containsKey(exitCode - 128)) {
            text = "killed by " + SIGNALS.get(exitCode - 128) + " (exit code " + exitCode + ")";
        } else {
            text = "exited with " + exitCode;
        }
        if (stoppedByBrink) {
            text = "stopped: " + text;
        }
        return error == null || error.isBlank() ? text : text + ": " + error;
    }

    /** Engine timestamps are RFC 3339; the zero time ({@code 0001-01-01...}) means "never". */
    static Instant time(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
