package dev.brink.edge.management;

import static dev.brink.edge.EdgeTestbed.WAIT;
import static dev.brink.edge.EdgeTestbed.alive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API over its real unix socket, with a real hub, a real edge runtime and the process module
 * runtime: {@code tick} prints a line every 100 ms, {@code idle} sleeps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ManagementApiTest {
    Path dir;
    EdgeTestbed bed;
    EdgeRuntime edge;
    ManagementClient client;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        bed = EdgeTestbed.start(dir);
        edge = EdgeRuntime.start(EdgeConfig.load(bed.edgeToml("1s", "4s", "")));
        client = new ManagementClient(edge.managementSocket());
        bed.deploy(Map.of("tick", bed.module("1.0", "tick", "always", Map.of()),
                "idle", bed.module("1.0", "sleep", "always", Map.of())));
        bed.awaitReported(r -> EdgeTestbed.running(r, "tick", "idle"));
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (edge != null) {
            edge.close();
        }
        if (bed != null) {
            bed.killLeftovers("tick", "idle");
            bed.close();
        }
    }

    @Test
    void socketIsOwnerOnlyAtTheDefaultPath() throws Exception {
        Path socket = dir.resolve("edge-data").resolve("mgmt.sock");
        assertThat(edge.managementSocket()).isEqualTo(socket.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (var files = Files.list(socket.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".sock"));
        }
    }

    @Test
    void listsModulesWithTheirStatus() {
        JsonNode modules = client.modules();
        assertThat(modules).hasSize(2);
        JsonNode tick = find(modules, "tick");
        assertThat(tick.path("runtimeStatus").asText()).isEqualTo("running");
        assertThat(tick.path("version").asText()).isEqualTo("1.0");
        assertThat(tick.path("image").asText()).isEqualTo(bed.pkg.toString());
        assertThat(tick.path("restartCount").asInt()).isZero();
        assertThat(Instant.parse(tick.path("lastStartTimeUtc").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(tick.has("exitCode")).isTrue();
        assertThat(tick.has("lastExitTimeUtc")).isTrue();
        assertThat(find(modules, "idle").path("runtimeStatus").asText()).isEqualTo("running");
    }

    @Test
    void logsTailAndFollow() throws Exception {
        await().atMost(WAIT).until(() -> client.logs("tick", 0).lines().filter(l -> l.startsWith("tick ")).count() >= 5);
        String tail = client.logs("tick", 3);
        assertThat(tail.lines()).hasSize(3).allMatch(l -> l.startsWith("tick "));
        assertThat(tail).endsWith("\n");
        assertThat(client.logs("idle", 0)).contains("module idle started in mode sleep");

        List<String> received = new CopyOnWriteArrayList<>();
        Thread follower = new Thread(() -> {
            try {
                client.followLogs("tick", 2, received::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        follower.setDaemon(true);
        follower.start();
        // the first 2 lines, then new ticks as they are written: consecutive numbers, none repeated or lost
        await().atMost(WAIT).until(() -> ticks(received).size() >= 15);
        List<Integer> ticks = ticks(received);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("tick after %s in %s", ticks.get(i - 1), ticks).isEqualTo(ticks.get(i - 1) + 1);
        }
        follower.interrupt();
    }

    @Test
    void restartGivesANewProcess() {
        long before = bed.pid("idle");
        String startedBefore = find(client.modules(), "idle").path("lastStartTimeUtc").asText();
        JsonNode after = client.restart("idle");
        assertThat(after.path("name").asText()).isEqualTo("idle");
        await().atMost(WAIT).until(() -> bed.pidOrZero("idle") != before && alive(bed.pidOrZero("idle")));
        assertThat(alive(before)).isFalse();
        await().atMost(WAIT).until(() -> !find(client.modules(), "idle").path("lastStartTimeUtc").asText()
                .equals(startedBefore));
        assertThat(find(client.modules(), "idle").path("runtimeStatus").asText()).isEqualTo("running");
    }

    @Test
    void unknownModulesAndBadParametersAreRefused() {
        assertThatThrownBy(() -> client.restart("nope")).isInstanceOfSatisfying(BrinkException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ModuleNotFound));
        assertThatThrownBy(() -> client.logs("nope", 1)).isInstanceOfSatisfying(BrinkException.class,
                e -> assertThat(e.getMessage()).contains("nope"));
        assertThatThrownBy(() -> client.logs("tick", -1)).isInstanceOfSatisfying(BrinkException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid));
    }

    @Test
    void checkReportsTheRuntimeAndItsEnvironment() {
        JsonNode report = client.check();
        List<CheckResult> results = CheckResult.listFromReport(report);
        assertThat(results).extracting(CheckResult::id).contains("edge-runtime", "hub-https", "hub-mqtt", "clock",
                "cert-hub-ca", "cert-edge-ca", "cert-hub-https", "module-runtime", "disk");
        assertThat(results).filteredOn(r -> r.status() == CheckResult.Status.FAIL).isEmpty();
        assertThat(report.path("ok").asBoolean()).isTrue();
        CheckResult https = results.stream().filter(r -> r.id().equals("hub-https")).findFirst().orElseThrow();
        assertThat(https.detail()).contains(String.valueOf(bed.hub.httpsPort())).contains("TLS");
        CheckResult clock = results.stream().filter(r -> r.id().equals("clock")).findFirst().orElseThrow();
        assertThat(clock.status()).as(clock.toString()).isEqualTo(CheckResult.Status.OK);
        assertThat(clock.detail()).startsWith("local clock");
    }

    @Test
    void noRuntimeNoSocket() {
        try (ManagementClient nobody = new ManagementClient(dir.resolve("none.sock"))) {
            assertThatThrownBy(nobody::modules).isInstanceOfSatisfying(BrinkException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable));
        }
    }

    private static JsonNode find(JsonNode modules, String name) {
        return StreamSupport.stream(modules.spliterator(), false).filter(m -> m.path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + modules));
    }

    private static List<Integer> ticks(List<String> chunks) {
        return String.join("", chunks).lines().filter(l -> l.startsWith("tick "))
                .map(l -> Integer.parseInt(l.substring(5).trim())).toList();
    }
}
