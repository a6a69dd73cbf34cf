package dev.brink.edge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.deployment.DeploymentParser;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.deployment.RestartPolicy;
import dev.brink.edge.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {
    final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    final RestartPolicyManager restarts = new RestartPolicyManager(clock);
    final Planner planner = new Planner(restarts);
    final Map<String, ModuleInstance> current = new LinkedHashMap<>();

    static EdgeDeployment deployment(String modules) {
        return DeploymentParser.parse("{\"schemaVersion\":\"1.1\",\"runtime\":{\"type\":\"process\"},\"modules\":{"
                + modules + "}}");
    }

    static String module(String name, String version, String status, Integer order) {
        return "\"" + name + "\":{\"version\":\"" + version + "\",\"type\":\"process\",\"status\":\"" + status + "\","
                + (order == null ? "" : "\"startupOrder\":" + order + ",")
                + "\"settings\":{\"image\":\"/opt/" + name + ".jar\"}}";
    }

    void track(EdgeDeployment d, String name, InstanceState state) {
        current.put(name, new ModuleInstance(d.modules().get(name), state));
    }

    @Test
    void addsInStartupOrderAfterRemovals() {
        EdgeDeployment old = deployment(module("gone", "1", "running", null));
        track(old, "gone", InstanceState.RUNNING);
        EdgeDeployment d = deployment(module("z", "1", "running", 0) + "," + module("a", "1", "running", null) + ","
                + module("m", "1", "running", 5));
        Plan plan = planner.plan(d, current);
        assertThat(plan.steps()).extracting(s -> s.getClass().getSimpleName() + ":" + s.module())
                .containsExactly("Remove:gone", "Add:z", "Add:m", "Add:a");
    }

    @Test
    void aChangedVersionUpdatesOnlyThatModule() {
        EdgeDeployment v1 = deployment(module("a", "1", "running", null) + "," + module("b", "1", "running", null));
        track(v1, "a", InstanceState.RUNNING);
        track(v1, "b", InstanceState.RUNNING);
        EdgeDeployment v2 = deployment(module("a", "1", "running", null) + "," + module("b", "2", "running", null));
        assertThat(planner.plan(v2, current).steps()).containsExactly(new PlanStep.Update(v2.modules().get("b")));
        assertThat(planner.plan(v1, current).isEmpty()).isTrue();
    }

    @Test
    void desiredStatusChangesStopAndStart() {
        EdgeDeployment running = deployment(module("a", "1", "running", null));
        EdgeDeployment stopped = deployment(module("a", "1", "stopped", null));
        track(running, "a", InstanceState.RUNNING);
        assertThat(planner.plan(stopped, current).steps()).containsExactly(new PlanStep.Stop(stopped.modules().get("a")));
        current.clear();
        track(stopped, "a", InstanceState.STOPPED);
        assertThat(planner.plan(running, current).steps()).containsExactly(new PlanStep.Start(running.modules().get("a")));
        assertThat(planner.plan(stopped, current).isEmpty()).isTrue();
    }

    @Test
    void policyOrOrderChangesAreRecordedWithoutTouchingTheInstance() {
        EdgeDeployment v1 = deployment(module("a", "1", "running", null));
        EdgeDeployment v2 = deployment(module("a", "1", "running", 3));
        track(v1, "a", InstanceState.RUNNING);
        assertThat(planner.plan(v2, current).steps()).containsExactly(new PlanStep.Record(v2.modules().get("a")));
    }

    @Test
    void backoffRestartsWhenDueAndAsksToBeWokenUpUntilThen() {
        EdgeDeployment d = deployment(module("a", "1", "running", null));
        track(d, "a", InstanceState.BACKOFF);
        Instant due = restarts.onExit("a", RestartPolicy.ALWAYS, 1, null, clock.instant());
        Plan waiting = planner.plan(d, current);
        assertThat(waiting.isEmpty()).isTrue();
        assertThat(waiting.wakeUpAt()).isEqualTo(due);
        clock.advance(Duration.ofSeconds(10));
        assertThat(planner.plan(d, current).steps()).containsExactly(new PlanStep.Restart(d.modules().get("a")));
    }

    @Test
    void pendingInstancesAfterARebootAreStartedAndFailedOnesLeftAlone() {
        EdgeDeployment d = deployment(module("a", "1", "running", null) + "," + module("b", "1", "running", null));
        track(d, "a", InstanceState.PENDING);
        track(d, "b", InstanceState.FAILED);
        assertThat(planner.plan(d, current).steps()).containsExactly(new PlanStep.Start(d.modules().get("a")));
    }
}
