package dev.brink.edge.agent;

import dev.brink.core.deployment.DesiredStatus;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.core.deployment.RegistryCredential;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.ModuleSpec;
import dev.brink.edge.store.EdgeStore;
import dev.brink.edge.workload.ModuleKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out plan steps against the module runtime, the identities and the store, moving each
 * {@link ModuleInstance} through its states. Runs on the reconciler thread only.
 */
public final class InstanceOperations {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceOperations.class);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final ModuleRuntime runtime;
    private final ModuleIdentities identities;
    private final WorkloadSockets sockets;
    private final EdgeStore store;
    private final RestartPolicyManager restarts;
    private final ModuleEnvironment environment;
    private final Clock clock;

    public InstanceOperations(ModuleRuntime runtime, ModuleIdentities identities, WorkloadSockets sockets, EdgeStore store,
            RestartPolicyManager restarts, ModuleEnvironment environment, Clock clock) {
        this.runtime = runtime;
        this.identities = identities;
        this.sockets = sockets;
        this.store = store;
        this.restarts = restarts;
        this.environment = environment;
        this.clock = clock;
    }

    /** Runs one step; returns null or a problem description (the step failed). */
    String execute(PlanStep step, EdgeDeployment deployment, Map<String, ModuleInstance> instances) {
        try {
            if (step instanceof PlanStep.Add a) {
                add(a.definition(), deployment, instances);
            } else if (step instanceof PlanStep.Update u) {
                update(u.definition(), deployment, instances);
            } else if (step instanceof PlanStep.Start st) {
                ModuleInstance m = instances.get(st.module());
                redefine(m, st.definition());
                restarts.forget(m.name());
                start(m, deployment);
            } else if (step instanceof PlanStep.Stop sp) {
                stop(instances.get(sp.module()), sp.definition());
            } else if (step instanceof PlanStep.Restart r) {
                restarts.onRestarted(r.module());
                start(instances.get(r.module()), deployment);
            } else if (step instanceof PlanStep.Record r) {
                redefine(instances.get(r.module()), r.definition());
            } else if (step instanceof PlanStep.Remove r) {
                remove(instances.get(r.module()), instances);
            }
            return null;
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", step, e.toString());
            return "module " + step.module() + ": " + e.getMessage();
        }
    }

    private void add(ModuleDefinition def, EdgeDeployment deployment, Map<String, ModuleInstance> instances) {
        ModuleInstance m = new ModuleInstance(def, InstanceState.PENDING);
        instances.put(def.name(), m);
        store.saveInstance(def);
        if (def.status() == DesiredStatus.RUNNING) {
            start(m, deployment);
        } else {
            identities.ensure(def.name());
            m.transition(InstanceState.STOPPED, "desired stopped");
        }
    }

    private void update(ModuleDefinition def, EdgeDeployment deployment, Map<String, ModuleInstance> instances) {
        ModuleInstance old = instances.get(def.name());
        LOG.info("module {}: updating (version {} -> {})", def.name(), old.definition().version(), def.version());
        stopInstance(old, "updating");
        old.transition(InstanceState.REMOVING, "updating");
        runtime.remove(def.name());
        old.transition(InstanceState.REMOVED, "updating");
        restarts.forget(def.name());
        add(def, deployment, instances);
    }

    private void stop(ModuleInstance m, ModuleDefinition def) {
        redefine(m, def);
        restarts.forget(m.name());
        stopInstance(m, "desired stopped");
        m.transition(InstanceState.STOPPED, "desired stopped");
    }

    private void stopInstance(ModuleInstance m, String why) {
        if (m.state().isActive()) {
            m.transition(InstanceState.STOPPING, why);
            runtime.stop(m.name(), STOP_GRACE);
            m.observe(runtime.status(m.name()).orElse(null));
            m.transition(InstanceState.STOPPED, why);
        }
    }

    private void remove(ModuleInstance m, Map<String, ModuleInstance> instances) {
        m.transition(InstanceState.REMOVING, "removed from the deployment");
        runtime.remove(m.name());
        sockets.close(m.name());
        m.transition(InstanceState.REMOVED, "removed from the deployment");
        instances.remove(m.name());
        store.removeInstance(m.name());
        restarts.forget(m.name());
        identities.delete(m.name());
    }

    /** Starts (or restarts) the instance: identity, workload socket, environment, pull, start. */
    void start(ModuleInstance m, EdgeDeployment deployment) {
        ModuleDefinition def = m.definition();
        ModuleKey identity;
        try {
            identity = identities.ensure(def.name());
        } catch (RuntimeException e) {
            // No identity, no credentials: leave it pending; the next reconcile (hub back) tries again.
            if (m.state() != InstanceState.PENDING) {
                m.transition(InstanceState.FAILED, "no module identity: " + e.getMessage());
            }
            throw e;
        }
        Path socket = sockets.open(def.name());
        RegistryCredential cred = deployment == null ? null
                : deployment.runtime().credentialFor(def.settings().image()).orElse(null);
        ModuleSpec spec = new ModuleSpec(def.name(), def.settings().image(), def.settings().createOptions(),
                environment.build(def, identity, socket), def.imagePullPolicy().wireName(),
                cred == null ? null : new ModuleSpec.RegistryCredential(cred.address(), cred.username(), cred.password()),
                socket, def.version());
        m.transition(InstanceState.STARTING, "");
        try {
            runtime.prepare(spec);
            runtime.start(spec);
        } catch (RuntimeException e) {
            failedToStart(m, e);
            throw e;
        }
        InstanceStatus status = runtime.status(def.name()).orElse(null);
        m.observe(status);
        if (status == null || status.state() == InstanceStatus.State.RUNNING) {
            m.transition(InstanceState.RUNNING, "");
        } else {
            exited(m, status);
        }
    }

    private void failedToStart(ModuleInstance m, RuntimeException e) {
        Instant due = restarts.onExit(m.name(), m.definition().restartPolicy(), null, null, clock.instant());
        if (due != null) {
            m.transition(InstanceState.BACKOFF, "could not start: " + e.getMessage() + "; retrying at " + due);
        } else {
            m.transition(InstanceState.FAILED, "could not start: " + e.getMessage());
        }
    }

    /** An instance stopped by itself: the restart policy decides between BACKOFF, STOPPED and FAILED. */
    void exited(ModuleInstance m, InstanceStatus status) {
        m.observe(status);
        Integer code = status.exitCode();
        String how = status.description() != null && !status.description().isBlank() ? status.description()
                : "exited with " + code;
        Instant due = restarts.onExit(m.name(), m.definition().restartPolicy(), code, status.startedAt(),
                status.exitedAt());
        if (due != null) {
            m.transition(InstanceState.BACKOFF, how + "; restarting at " + due);
        } else if (code != null && code == 0) {
            m.transition(InstanceState.STOPPED, how);
        } else {
            m.transition(InstanceState.FAILED, how);
        }
    }

    /** RestartModule: stop (if running) and start now, whatever the back-off says. */
    void restartNow(ModuleInstance m, EdgeDeployment deployment) {
        stopInstance(m, "restart requested");
        restarts.forget(m.name());
        start(m, deployment);
    }

    private void redefine(ModuleInstance m, ModuleDefinition def) {
        m.redefine(def);
        store.saveInstance(def);
    }

    ModuleRuntime runtime() {
        return runtime;
    }

    ModuleIdentities identities() {
        return identities;
    }
}
