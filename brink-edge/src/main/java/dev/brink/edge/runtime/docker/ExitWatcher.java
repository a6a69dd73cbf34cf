package dev.brink.edge.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.brink.edge.runtime.InstanceStatus;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells listeners when a Brink container stops. The engine's events stream (filtered by label to this
 * device's Brink containers; {@code die} is picked out here) is the primary source, so an exit is seen within milliseconds. A
 * sweep — one list call comparing the containers believed running with those really running — runs
 * whenever the stream (re)connects, covering exits missed while it was down, and every
 * {@link #SAFETY_SWEEP} as a safety net against a stream that silently stalls.
 *
 * <p>Each container id is reported at most once: it is reported only if it was removed from the set of
 * running containers, and all reporting happens on one thread.
 */
final class ExitWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExitWatcher.class);
    static final Duration SAFETY_SWEEP = Duration.ofSeconds(30);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

    private final DockerClient client;
    private final String edgeDeviceId;
    /** Container id → module name of every Brink container believed running. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    /** Containers Brink stopped, until removed, so their status says "stopped" rather than "failed". */
    private final Set<String> stopRequested = ConcurrentHashMap.newKeySet();
    private final List<Consumer<InstanceStatus>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor;
    private volatile boolean closed;
    /** Whether the current outage was already logged at WARN (one line per outage, not per retry). */
    private volatile boolean outageLogged;
    private volatile Closeable stream;
    private long reconnectDelayMillis = 500;

    ExitWatcher(DockerClient client, String edgeDeviceId) {
        this.client = client;
        this.edgeDeviceId = edgeDeviceId;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-docker-exits");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        executor.execute(this::subscribe);
        executor.scheduleWithFixedDelay(this::sweep, SAFETY_SWEEP.toMillis(), SAFETY_SWEEP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void addListener(Consumer<InstanceStatus> listener) {
        listeners.add(listener);
    }

    /** Called just before the engine is asked to start {@code containerId}. */
    void track(String containerId, String module) {
        running.put(containerId, module);
    }

    /** Called when a start failed: the failure is reported to the caller, not as an exit. */
    void untrack(String containerId) {
        running.remove(containerId);
        stopRequested.remove(containerId);
    }

    /**
     * Called before a stopped container is removed: reports its exit now, while it can still be
     * inspected, instead of waiting for the event (which may arrive after the container is gone).
     */
    void settle(String containerId) {
        if (!running.containsKey(containerId) || closed) {
            return;
        }
        try {
            executor.submit(() -> report(containerId, null, null)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            log.debug("settling container {}: {}", containerId, e.toString());
        }
    }

    /** Called when a container is removed: nothing about it is needed any more. */
    void forget(String containerId) {
        untrack(containerId);
    }

    /** Called just before Brink asks the engine to stop {@code containerId}. */
    void stopping(String containerId) {
        stopRequested.add(containerId);
    }

    boolean isStopRequested(String containerId) {
        return stopRequested.contains(containerId);
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        client.eventsCmd()
                .withLabelFilter(ContainerLabels.deviceFilter(edgeDeviceId))
                .withEventTypeFilter(EventType.CONTAINER)
                // No server-side "event=die" filter: Podman 4 names that event "died" and matches nothing.
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onStart(Closeable closeable) {
                        stream = closeable;
                        reconnectDelayMillis = 500;
                        // Subscribed first, then swept: nothing can fall between the two.
                        executor.execute(ExitWatcher.this::sweep);
                    }

                    @Override
                    public void onNext(Event event) {
                        if ("die".equals(event.getAction()) || "die".equals(event.getStatus())) {
                            executor.execute(() -> report(event.getId(), exitCodeOf(event), timeOf(event)));
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        if (!closed && !outageLogged) {
                            outageLogged = true;
                            log.warn("docker events stream failed ({}); reconnecting", error.toString());
                        } else {
                            log.debug("docker events stream failed again: {}", error.toString());
                        }
                        resubscribe();
                    }

                    @Override
                    public void onComplete() {
                        resubscribe();
                    }
                });
    }

    private void resubscribe() {
        if (closed) {
            return;
        }
        long delay = reconnectDelayMillis;
        reconnectDelayMillis = Math.min(delay * 2, MAX_RECONNECT_DELAY.toMillis());
        try {
            executor.schedule(this::subscribe, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Adopts running Brink containers not yet known (e.g. from before a restart) and reports the missed exits. */
    private void sweep() {
        if (closed) {
            return;
        }
        List<Container> live;
        try {
            live = client.listContainersCmd().withShowAll(false)
                    .withLabelFilter(ContainerLabels.deviceFilter(edgeDeviceId)).exec();
        } catch (RuntimeException e) {
            log.debug("exit sweep skipped: {}", e.toString());
            return;
        }
        if (outageLogged) {
            outageLogged = false;
            log.info("docker engine reachable again");
        }
        Set<String> liveIds = new HashSet<>();
        for (Container c : live) {
            liveIds.add(c.getId());
            String module = c.getLabels() == null ? null : c.getLabels().get(ContainerLabels.MODULE);
            if (module != null && "running".equals(c.getState())) {
                running.putIfAbsent(c.getId(), module);
            }
        }
        for (String id : Set.copyOf(running.keySet())) {
            if (!liveIds.contains(id)) {
                report(id, null, null);
            }
        }
    }

    /** Reports the exit of {@code containerId} once, if it was believed running and has really stopped. */
    private void report(String containerId, Integer eventExitCode, Instant eventTime) {
        String module = running.get(containerId);
        if (module == null) {
            return;
        }
        InstanceStatus status;
        try {
            InspectContainerResponse inspect = client.inspectContainerCmd(containerId).exec();
            status = InstanceStatuses.from(module, inspect, stopRequested.contains(containerId));
            if (status.state() == InstanceStatus.State.RUNNING || status.state() == InstanceStatus.State.CREATED) {
                return; // not stopped (yet): a start in progress, or a stale event
            }
        } catch (NotFoundException gone) {
            status = InstanceStatuses.fromExitEvent(module, eventExitCode, eventTime,
                    stopRequested.contains(containerId));
        } catch (RuntimeException e) {
            log.debug("inspect of exited container {} failed: {}", containerId, e.toString());
            status = InstanceStatuses.fromExitEvent(module, eventExitCode, eventTime,
                    stopRequested.contains(containerId));
        }
        if (running.remove(containerId) == null) {
            return;
        }
        for (Consumer<InstanceStatus> listener : listeners) {
            try {
                listener.accept(status);
            } catch (RuntimeException e) {
                log.warn("onExit listener failed for module {}", module, e);
            }
        }
    }

    private static Integer exitCodeOf(Event event) {
        Map<String, String> attributes = event.getActor() == null ? null : event.getActor().getAttributes();
        String code = attributes == null ? null : attributes.get("exitCode");
        try {
            return code == null ? null : Integer.valueOf(code);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant timeOf(Event event) {
        if (event.getTimeNano() != null) {
            long nanos = event.getTimeNano();
            return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
        }
        return event.getTime() == null ? null : Instant.ofEpochSecond(event.getTime());
    }

    @Override
    public void close() {
        closed = true;
        Closeable s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                log.debug("closing docker events stream: {}", e.toString());
            }
        }
        executor.shutdownNow();
    }
}
