package dev.brink.edge.agent;

import dev.brink.core.deployment.RestartPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Restart policies and back-off (issue 4 §7). After an instance exits by itself:
 * <ul>
 *   <li>{@code never}: left alone;</li>
 *   <li>{@code on-failure} / {@code on-unhealthy}: restarted when the exit code is not 0 (no health signal
 *       exists, so unhealthy means failed, as in the reference); exit 0 leaves it stopped;</li>
 *   <li>{@code always}: restarted whatever the exit code.</li>
 * </ul>
 * A restart waits {@code base × 2^n} capped at {@code max} after the exit, n being the number of restarts
 * so far. Unlike the reference, it never gives up: past the cap it keeps retrying at the cap. An instance
 * that ran at least {@code healthyAfter} before exiting has its count reset (as does a deployment change or
 * a desired stop, through {@link #forget}). Stats live in memory: a reboot starts fresh (reference issue
 * #3702: persisted cool-offs delayed clean reboots). All times come from the injected clock.
 */
public final class RestartPolicyManager {
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX = Duration.ofMinutes(5);
    public static final Duration DEFAULT_HEALTHY_AFTER = Duration.ofMinutes(10);

    private final Clock clock;
    private final Duration base;
    private final Duration max;
    private final Duration healthyAfter;
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();

    /** Per module: restarts so far, the last restart, and when the pending restart is due (null: none). */
    public record Stats(int restartCount, Instant lastRestartTime, Instant restartDueAt) {
    }

    public RestartPolicyManager(Clock clock) {
        this(clock, DEFAULT_BASE, DEFAULT_MAX, DEFAULT_HEALTHY_AFTER);
    }

    public RestartPolicyManager(Clock clock, Duration base, Duration max, Duration healthyAfter) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max, got base " + base + ", max " + max);
        }
        this.base = base;
        this.max = max;
        this.healthyAfter = healthyAfter;
    }

    /** True when {@code policy} restarts an instance that exited with {@code exitCode} (null = unknown = failed). */
    public static boolean restarts(RestartPolicy policy, Integer exitCode) {
        return switch (policy) {
            case NEVER -> false;
            case ON_FAILURE, ON_UNHEALTHY -> exitCode == null || exitCode != 0;
            case ALWAYS -> true;
        };
    }

    /** The back-off before restart number {@code restartCount + 1}: base × 2^n, capped at max. */
    public Duration delayFor(int restartCount) {
        if (restartCount >= 30) {
            return max;
        }
        Duration d = base.multipliedBy(1L << restartCount);
        return d.compareTo(max) > 0 ? max : d;
    }

    /**
     * Records an exit and decides. Returns when the restart is due, or null when the policy leaves the
     * instance stopped.
     */
    public Instant onExit(String module, RestartPolicy policy, Integer exitCode, Instant startedAt, Instant exitedAt) {
        Instant exit = exitedAt == null ? clock.instant() : exitedAt;
        Stats s = stats.getOrDefault(module, new Stats(0, null, null));
        if (startedAt != null && Duration.between(startedAt, exit).compareTo(healthyAfter) >= 0) {
            s = new Stats(0, s.lastRestartTime(), null); // it ran healthily long enough: back to the short delay
        }
        if (!restarts(policy, exitCode)) {
            stats.put(module, new Stats(s.restartCount(), s.lastRestartTime(), null));
            return null;
        }
        Instant due = exit.plus(delayFor(s.restartCount()));
        stats.put(module, new Stats(s.restartCount(), s.lastRestartTime(), due));
        return due;
    }

    /** True when a restart is pending and its back-off has elapsed. */
    public boolean isDue(String module) {
        Stats s = stats.get(module);
        return s != null && s.restartDueAt() != null && !clock.instant().isBefore(s.restartDueAt());
    }

    /** The pending restart's due time, or null. */
    public Instant dueAt(String module) {
        Stats s = stats.get(module);
        return s == null ? null : s.restartDueAt();
    }

    /** Records that the pending restart was made now. */
    public void onRestarted(String module) {
        Stats s = stats.getOrDefault(module, new Stats(0, null, null));
        stats.put(module, new Stats(s.restartCount() + 1, clock.instant(), null));
    }

    /** Resets the count when an instance has been running healthily long enough (called while running). */
    public void onRunning(String module, Instant startedAt) {
        Stats s = stats.get(module);
        if (s != null && s.restartCount() > 0 && startedAt != null
                && Duration.between(startedAt, clock.instant()).compareTo(healthyAfter) >= 0) {
            stats.put(module, new Stats(0, s.lastRestartTime(), null));
        }
    }

    /** Forgets a module (removed, updated, or desired stopped): its next failure starts at the short delay. */
    public void forget(String module) {
        stats.remove(module);
    }

    public Stats stats(String module) {
        return stats.getOrDefault(module, new Stats(0, null, null));
    }

    public Duration healthyAfter() {
        return healthyAfter;
    }
}
