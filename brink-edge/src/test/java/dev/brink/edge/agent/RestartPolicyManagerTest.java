package dev.brink.edge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.deployment.RestartPolicy;
import dev.brink.edge.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartPolicyManagerTest {
    final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    final RestartPolicyManager restarts = new RestartPolicyManager(clock);

    @Test
    void policiesDecideByExitCode() {
        assertThat(RestartPolicyManager.restarts(RestartPolicy.NEVER, 1)).isFalse();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ON_FAILURE, 0)).isFalse();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ON_FAILURE, 1)).isTrue();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ON_FAILURE, 137)).isTrue(); // crash (SIGKILL)
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ON_UNHEALTHY, 2)).isTrue();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ON_UNHEALTHY, 0)).isFalse();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ALWAYS, 0)).isTrue();
        assertThat(RestartPolicyManager.restarts(RestartPolicy.ALWAYS, null)).isTrue();
    }

    @Test
    void backOffDoublesFromTenSecondsCapsAtFiveMinutesAndNeverGivesUp() {
        long[] expected = {10, 20, 40, 80, 160, 300, 300, 300};
        for (int i = 0; i < 40; i++) {
            Instant exit = clock.instant();
            Instant due = restarts.onExit("m", RestartPolicy.ALWAYS, 1, exit.minusSeconds(1), exit);
            long wait = Duration.between(exit, due).toSeconds();
            assertThat(wait).isEqualTo(i < expected.length ? expected[i] : 300);
            clock.advance(Duration.ofSeconds(wait - 1));
            assertThat(restarts.isDue("m")).isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(restarts.isDue("m")).isTrue();
            restarts.onRestarted("m");
            assertThat(restarts.stats("m").restartCount()).isEqualTo(i + 1);
            assertThat(restarts.stats("m").lastRestartTime()).isEqualTo(clock.instant());
        }
    }

    @Test
    void tenMinutesOfHealthyRunningResetsTheCount() {
        for (int i = 0; i < 3; i++) {
            restarts.onExit("m", RestartPolicy.ON_FAILURE, 1, clock.instant(), clock.instant());
            restarts.onRestarted("m");
        }
        assertThat(restarts.delayFor(restarts.stats("m").restartCount())).isEqualTo(Duration.ofSeconds(80));
        Instant started = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        Instant due = restarts.onExit("m", RestartPolicy.ON_FAILURE, 1, started, clock.instant());
        assertThat(Duration.between(clock.instant(), due)).isEqualTo(Duration.ofSeconds(10));
        assertThat(restarts.stats("m").restartCount()).isZero();

        restarts.onRestarted("m");
        Instant again = clock.instant();
        clock.advance(Duration.ofMinutes(11));
        restarts.onRunning("m", again); // while it keeps running, the reported count resets too
        assertThat(restarts.stats("m").restartCount()).isZero();
    }

    @Test
    void exitZeroUnderOnFailureAndNeverLeaveItAlone() {
        assertThat(restarts.onExit("m", RestartPolicy.ON_FAILURE, 0, null, clock.instant())).isNull();
        assertThat(restarts.onExit("n", RestartPolicy.NEVER, 1, null, clock.instant())).isNull();
        assertThat(restarts.isDue("m")).isFalse();
        assertThat(restarts.dueAt("n")).isNull();
    }

    @Test
    void delaysAreConfigurableAndForgetResets() {
        RestartPolicyManager fast = new RestartPolicyManager(clock, Duration.ofSeconds(1), Duration.ofSeconds(4),
                Duration.ofMinutes(10));
        assertThat(fast.delayFor(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(fast.delayFor(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(fast.delayFor(63)).isEqualTo(Duration.ofSeconds(4));
        fast.onExit("m", RestartPolicy.ALWAYS, 1, null, clock.instant());
        fast.onRestarted("m");
        fast.forget("m");
        assertThat(fast.stats("m").restartCount()).isZero();
    }
}
