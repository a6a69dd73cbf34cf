package dev.brink.edge;

import static dev.brink.edge.EdgeTestbed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart policies end to end with real processes that exit 1, exit 0 and crash (SIGKILL), with a 200 ms
 * back-off base so it stays short. The back-off arithmetic itself is tested with an injectable clock in
 * {@code RestartPolicyManagerTest}; this checks that the pieces (runtime exit events, agent, policy, reports)
 * work together.
 */
@Timeout(180)
class RestartPoliciesTest {
    private static final List<String> MODULES = List.of("failalways", "failonfailure", "okonfailure", "crash",
            "failnever", "okalways");

    @TempDir
    Path dir;

    @Test
    void exitOneExitZeroAndCrashUnderEachPolicy() throws Exception {
        try (EdgeTestbed bed = EdgeTestbed.start(dir);
             EdgeRuntime edge = EdgeRuntime.start(EdgeConfig.load(bed.edgeToml("200ms", "800ms", "")))) {
            try {
                Map<String, String> exit1 = Map.of("CODE", "1", "AFTER", "0.3");
                Map<String, String> exit0 = Map.of("CODE", "0", "AFTER", "0.3");
                Map<String, ObjectNode> modules = Map.of(
                        "failalways", bed.module("1.0", "exit", "always", exit1),
                        "failonfailure", bed.module("1.0", "exit", "on-failure", exit1),
                        "okonfailure", bed.module("1.0", "exit", "on-failure", exit0),
                        "crash", bed.module("1.0", "crash", "on-unhealthy", Map.of("AFTER", "0.3")),
                        "failnever", bed.module("1.0", "exit", "never", exit1),
                        "okalways", bed.module("1.0", "exit", "always", exit0));
                bed.deploy(modules);

                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> bed.starts("failalways") >= 3
                        && bed.starts("failonfailure") >= 2 && bed.starts("crash") >= 2 && bed.starts("okalways") >= 2);
                JsonNode reported = bed.awaitReported(r -> r.at("/modules/okonfailure/runtimeStatus").asText()
                        .equals("stopped") && r.at("/modules/failnever/runtimeStatus").asText().equals("failed")
                        && r.at("/modules/failalways/restartCount").asInt() >= 2
                        // the crashing module is running between crashes (no description then): wait for a
                        // report taken while it is down, which must say why
                        && !r.at("/modules/crash/statusDescription").asText().isBlank());
                // exit 0 under on-failure and anything under never are left alone
                assertThat(bed.starts("okonfailure")).isEqualTo(1);
                assertThat(bed.starts("failnever")).isEqualTo(1);
                assertThat(reported.at("/modules/okonfailure/exitCode").asInt()).isZero();
                assertThat(reported.at("/modules/failnever/exitCode").asInt()).isEqualTo(1);
                assertThat(reported.at("/modules/failalways/exitCode").asInt()).isEqualTo(1);
                assertThat(reported.at("/modules/crash/statusDescription").asText()).isNotBlank();
                assertThat(reported.at("/modules/failalways/lastRestartTimeUtc").asText()).isNotBlank();
            } finally {
                bed.killLeftovers(MODULES.toArray(String[]::new));
            }
        }
    }
}
