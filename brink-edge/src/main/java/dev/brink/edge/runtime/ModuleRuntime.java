package dev.brink.edge.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs module instances from module images. Two implementations: {@code process} (module packages run
 * as plain child processes — the embedded default) and {@code docker} (OCI images through the Docker
 * Engine API). The agent drives it; it never decides policy (restarts, ordering) itself.
 *
 * <p>Only instances created by Brink are ever listed, stopped or removed. Calls may block (pulling an
 * image, waiting for a process to stop); the agent calls them from its own worker thread.
 */
public interface ModuleRuntime extends AutoCloseable {

    /** {@code process} or {@code docker}. */
    String kind();

    /**
     * Makes the image available locally (download/pull, verify digest). Idempotent and cached: a second
     * call for an image already present returns at once unless the pull policy says otherwise.
     */
    void prepare(ModuleSpec spec);

    /** Creates (replacing any stopped instance of the same name) and starts the instance. */
    void start(ModuleSpec spec);

    /** Stops the instance: a polite signal, then a forced kill after {@code grace}. No-op if not running. */
    void stop(String moduleName, Duration grace);

    /** Stops (if needed) and removes the instance and its runtime resources (not its cached image). */
    void remove(String moduleName);

    /** Every instance this runtime manages for Brink, running or not. */
    List<InstanceStatus> list();

    Optional<InstanceStatus> status(String moduleName);

    /** Registers a listener told every time an instance stops by itself or is stopped (after the fact). */
    void onExit(Consumer<InstanceStatus> listener);

    /** The last {@code tail} lines (0 = all kept) of the instance's combined stdout/stderr. */
    List<String> logs(String moduleName, int tail);

    @Override
    void close();
}
