package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.deployment.DeploymentException;
import dev.brink.core.deployment.DeploymentParser;
import dev.brink.core.deployment.DeploymentStatus;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.core.json.Json;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.store.EdgeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent's reconciler (see README.md): one thread takes {@link AgentEvent}s from a queue — desired
 * properties, instance exits, restart wake-ups, (re)connections, requests — applies them all, then plans and
 * executes once and reports the diff. No polling: nothing happens unless an event arrives, and a pending
 * back-off schedules its own wake-up. Starts from the last good deployment in the store, so it runs modules
 * before (or without) any hub connection.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

    private final InstanceOperations ops;
    private final Planner planner;
    private final RestartPolicyManager restarts;
    private final EdgeStore store;
    private final Clock clock;
    private final Instant startedAt;
    private final BlockingQueue<AgentEvent> queue = new LinkedBlockingQueue<>();
    private final Map<String, ModuleInstance> instances = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private final Thread thread;
    private volatile ReportSink sink;
    private volatile boolean closed;

    // state owned by the reconciler thread
    private EdgeDeployment deployment;
    private long lastDesiredVersion;
    private DeploymentStatus desiredStatus = new DeploymentStatus(DeploymentStatus.UNKNOWN, "no deployment received yet");
    private ObjectNode lastReported;
    private boolean reportInFlight;
    private ScheduledFuture<?> wake;
    private volatile List<ModuleSnapshot> snapshot = List.of();

    /** A read-only view of one module for the management API and direct methods. */
    public record ModuleSnapshot(String name, String state, String runtimeStatus, String image, String version,
                                 String description, Integer exitCode, Instant lastStartTime, int restartCount) {
    }

    public EdgeAgent(InstanceOperations ops, RestartPolicyManager restarts, EdgeStore store, Clock clock) {
        this.ops = ops;
        this.planner = new Planner(restarts);
        this.restarts = restarts;
        this.store = store;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "brink-agent-timer"));
        this.thread = daemon(this::loop, "brink-agent-reconciler");
        ops.runtime().onExit(status -> post(new AgentEvent.Exited(status)));
    }

    /** Recovers from the store (instances, last good deployment) and starts reconciling. */
    public void start() {
        recover();
        thread.start();
        post(new AgentEvent.Wake());
    }

    public void attach(ReportSink reportSink) {
        this.sink = reportSink;
    }

    // ---- inputs (any thread)

    public void desiredReceived(ObjectNode desired) {
        post(new AgentEvent.Desired(desired.deepCopy()));
    }

    public void connected(ObjectNode reportedBaseline) {
        post(new AgentEvent.Connected(reportedBaseline == null ? null : reportedBaseline.deepCopy()));
    }

    public CompletableFuture<Void> restartModule(String module) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(new AgentEvent.RestartRequested(module, done));
        return done;
    }

    public List<ModuleSnapshot> modules() {
        return snapshot;
    }

    public Collection<String> moduleNames() {
        return snapshot.stream().map(ModuleSnapshot::name).toList();
    }

    public List<String> logs(String module, int tail) {
        return ops.runtime().logs(module, tail);
    }

    public DeploymentStatus status() {
        return desiredStatus;
    }

    void post(AgentEvent event) {
        if (!closed) {
            queue.add(event);
        }
    }

    // ---- the reconciler thread

    private void loop() {
        while (!closed) {
            try {
                AgentEvent event = queue.poll(1, TimeUnit.SECONDS);
                if (event == null) {
                    continue;
                }
                List<AgentEvent> batch = new ArrayList<>();
                batch.add(event);
                queue.drainTo(batch);
                boolean replan = false;
                for (AgentEvent e : batch) {
                    replan |= handle(e);
                }
                if (replan) {
                    reconcile();
                }
                report();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("reconcile failed", e);
            }
        }
    }

    /** Applies one event to the state; true when a plan must be made. */
    private boolean handle(AgentEvent event) {
        if (event instanceof AgentEvent.Desired d) {
            applyDesired(d.desired());
        } else if (event instanceof AgentEvent.Exited x) {
            onExited(x.status());
        } else if (event instanceof AgentEvent.Connected c) {
            if (c.reportedBaseline() != null) {
                lastReported = c.reportedBaseline();
            }
            reportInFlight = false;
            ops.identities().retryPendingDeletes();
        } else if (event instanceof AgentEvent.ReportDone r) {
            reportInFlight = false;
            if (r.sent() != null) {
                lastReported = r.sent();
            }
            return false;
        } else if (event instanceof AgentEvent.RestartRequested r) {
            onRestartRequested(r);
        }
        return true;
    }

    private void applyDesired(ObjectNode desired) {
        long version = desired.path("$version").asLong(lastDesiredVersion);
        try {
            EdgeDeployment parsed = DeploymentParser.parse(desired);
            deployment = parsed;
            desiredStatus = DeploymentStatus.successful();
            store.saveDeployment(version, Json.write(desired));
            LOG.info("deployment version {} accepted: {} module(s)", version, parsed.modules().size());
        } catch (DeploymentException e) {
            desiredStatus = e.status();
            LOG.warn("deployment version {} refused ({}): {}; nothing running changes", version, e.status().code(),
                    e.status().description());
        }
        lastDesiredVersion = version;
    }

    private void onExited(InstanceStatus status) {
        ModuleInstance m = instances.get(status.name());
        if (m == null || !(m.state() == InstanceState.RUNNING || m.state() == InstanceState.STARTING)) {
            return; // we stopped it ourselves, or it is gone
        }
        Optional<InstanceStatus> now = ops.runtime().status(status.name());
        if (now.isPresent() && now.get().state() == InstanceStatus.State.RUNNING) {
            return; // a stale exit of an earlier run
        }
        ops.exited(m, now.orElse(status));
    }

    private void onRestartRequested(AgentEvent.RestartRequested r) {
        ModuleInstance m = instances.get(r.module());
        if (m == null) {
            r.done().completeExceptionally(new IllegalArgumentException("module " + r.module()
                    + " is not in the current deployment"));
            return;
        }
        try {
            ops.restartNow(m, deployment);
            r.done().complete(null);
        } catch (RuntimeException e) {
            r.done().completeExceptionally(e);
        }
    }

    private void reconcile() {
        if (deployment == null) {
            publishSnapshot();
            return;
        }
        Plan plan = planner.plan(deployment, instances);
        List<String> problems = new ArrayList<>();
        for (PlanStep step : plan.steps()) {
            String problem = ops.execute(step, deployment, instances);
            if (problem != null) {
                problems.add(problem);
            }
        }
        for (ModuleInstance m : instances.values()) {
            if (m.state() == InstanceState.RUNNING) {
                restarts.onRunning(m.name(), m.lastStartTime());
            }
        }
        if (desiredStatus.code() == DeploymentStatus.SUCCESSFUL || desiredStatus.code() == DeploymentStatus.FAILED) {
            desiredStatus = problems.isEmpty() ? DeploymentStatus.successful()
                    : DeploymentStatus.failed(String.join("; ", problems));
        }
        scheduleWake(plan.wakeUpAt(), !problems.isEmpty());
        publishSnapshot();
    }

    /** Wakes the loop at the next due restart; after a failed step, retries in a while too. */
    private void scheduleWake(Instant at, boolean retrySoon) {
        if (wake != null) {
            wake.cancel(false);
        }
        Instant when = at;
        Instant retry = clock.instant().plus(Duration.ofSeconds(15));
        if (retrySoon && (when == null || retry.isBefore(when))) {
            when = retry;
        }
        if (when != null) {
            long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
            wake = timer.schedule(() -> post(new AgentEvent.Wake()), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void report() {
        ReportSink s = sink;
        if (s == null || !s.isConnected() || reportInFlight) {
            return;
        }
        ObjectNode now = ReportedState.build(lastDesiredVersion, desiredStatus, deployment, ops.runtime().kind(),
                startedAt, instances.values(), restarts);
        ObjectNode patch = ReportedState.diff(lastReported, now);
        if (patch.isEmpty()) {
            return;
        }
        reportInFlight = true;
        s.send(patch).whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("reporting failed: {}", e.toString());
            }
            post(new AgentEvent.ReportDone(e == null ? now : null));
        });
    }

    private void recover() {
        Map<String, ModuleDefinition> recorded = store.loadInstances();
        for (InstanceStatus s : ops.runtime().list()) {
            if (!recorded.containsKey(s.name())) {
                LOG.info("removing instance {}: not in the recorded deployment", s.name());
                ops.runtime().remove(s.name());
            }
        }
        for (ModuleDefinition def : recorded.values()) {
            Optional<InstanceStatus> status = ops.runtime().status(def.name());
            boolean running = status.isPresent() && status.get().state() == InstanceStatus.State.RUNNING;
            ModuleInstance m = new ModuleInstance(def, running ? InstanceState.RUNNING : InstanceState.PENDING);
            m.observe(status.orElse(null));
            instances.put(def.name(), m);
        }
        store.loadDeployment().ifPresent(d -> {
            try {
                deployment = DeploymentParser.parse(d.desiredJson());
                lastDesiredVersion = d.desiredVersion();
                desiredStatus = DeploymentStatus.successful();
                LOG.info("recovered deployment version {} from the store", d.desiredVersion());
            } catch (DeploymentException e) {
                LOG.warn("the stored deployment is no longer valid: {}", e.getMessage());
            }
        });
        publishSnapshot();
    }

    private void publishSnapshot() {
        List<ModuleSnapshot> list = new ArrayList<>();
        for (ModuleInstance m : instances.values()) {
            list.add(new ModuleSnapshot(m.name(), m.state().name(), m.state().runtimeStatus(),
                    m.definition().settings().image(), m.definition().version(), m.statusDescription(), m.exitCode(),
                    m.lastStartTime(), restarts.stats(m.name()).restartCount()));
        }
        snapshot = List.copyOf(list);
    }

    /** The last reported document (for tests and the management API). */
    JsonNode lastReported() {
        return lastReported;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        timer.shutdownNow();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
