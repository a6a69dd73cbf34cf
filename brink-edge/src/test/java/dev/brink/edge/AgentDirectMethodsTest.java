package dev.brink.edge;

import static dev.brink.edge.EdgeTestbed.DEVICE;
import static dev.brink.edge.EdgeTestbed.WAIT;
import static dev.brink.edge.EdgeTestbed.alive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code $edgeAgent} direct methods invoked the way an operator does, through the hub's REST API
 * ({@code POST /twins/edge1/modules/$edgeAgent/methods}), against a real edge runtime and real processes.
 */
@Timeout(180)
class AgentDirectMethodsTest {
    @TempDir
    Path dir;

    @Test
    void pingRestartModuleAndGetModuleLogs() throws Exception {
        try (EdgeTestbed bed = EdgeTestbed.start(dir);
             EdgeRuntime edge = EdgeRuntime.start(EdgeConfig.load(bed.edgeToml("1s", "4s", "")))) {
            try {
                bed.deploy(Map.of("idle", bed.module("1.0", "sleep", "always", Map.of()),
                        "chat", bed.module("1.0", "chatter", "always", Map.of("LINES", "3000"))));
                bed.awaitReported(r -> EdgeTestbed.running(r, "idle", "chat"));

                JsonNode ping = invoke(bed, "ping", null);
                assertThat(ping.path("status").asInt()).isEqualTo(200);

                restartModule(bed);
                getModuleLogs(bed);

                JsonNode unknown = invoke(bed, "Reboot", Json.object().put("schemaVersion", "1.0"));
                assertThat(unknown.path("status").asInt()).isEqualTo(400);
                JsonNode notDeployed = invoke(bed, "RestartModule", Json.object().put("schemaVersion", "1.0")
                        .put("id", "nope"));
                assertThat(notDeployed.path("status").asInt()).isEqualTo(400);
                assertThat(notDeployed.at("/payload/message").asText()).contains("nope");
            } finally {
                bed.killLeftovers("idle", "chat");
            }
        }
    }

    private static void restartModule(EdgeTestbed bed) {
        long pid = bed.pid("idle");
        Instant started = Instant.parse(bed.reported().at("/modules/idle/lastStartTimeUtc").asText());
        JsonNode restarted = invoke(bed, "RestartModule", Json.object().put("schemaVersion", "1.0").put("id", "idle"));
        assertThat(restarted.path("status").asInt()).as(restarted.toString()).isEqualTo(200);
        await().atMost(WAIT).until(() -> bed.pidOrZero("idle") != pid && alive(bed.pidOrZero("idle")));
        assertThat(alive(pid)).isFalse();
        JsonNode reported = bed.awaitReported(r -> r.at("/modules/idle/runtimeStatus").asText().equals("running")
                && Instant.parse(r.at("/modules/idle/lastStartTimeUtc").asText()).isAfter(started));
        assertThat(reported.at("/modules/chat/runtimeStatus").asText()).isEqualTo("running");
    }

    private static void getModuleLogs(EdgeTestbed bed) throws Exception {
        await().atMost(WAIT).until(() -> logs(bed, 1, "none").at("/payload/0/payload").asText().startsWith("line 2999"));

        JsonNode tail = logs(bed, 5, "none");
        assertThat(tail.path("status").asInt()).isEqualTo(200);
        assertThat(tail.at("/payload/0/id").asText()).isEqualTo("chat");
        String text = tail.at("/payload/0/payload").asText();
        assertThat(text.lines().toList()).hasSize(5);
        assertThat(text).startsWith("line 2995 ");

        JsonNode gzipped = logs(bed, 5, "gzip");
        byte[] bytes = Base64.getDecoder().decode(gzipped.at("/payload/0/payloadBytes").asText());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
        }

        // about 300 KB of lines: more than a method may return (128 KB), refused with a hint instead of truncated
        JsonNode all = logs(bed, 0, "none");
        assertThat(all.path("status").asInt()).isEqualTo(400);
        assertThat(all.at("/payload/message").asText()).contains("127000").contains("tail");
        // gzip makes the same lines fit
        JsonNode allGzipped = logs(bed, 0, "gzip");
        assertThat(allGzipped.path("status").asInt()).isEqualTo(200);
        assertThat(allGzipped.toString().length()).isLessThan(128 * 1024);
    }

    private static JsonNode logs(EdgeTestbed bed, int tail, String encoding) {
        JsonNode payload = Json.parse("""
                {"schemaVersion": "1.0", "items": [{"id": "chat", "filter": {"tail": %d}}],
                 "encoding": "%s", "contentType": "text"}""".formatted(tail, encoding));
        return invoke(bed, "GetModuleLogs", payload);
    }

    private static JsonNode invoke(EdgeTestbed bed, String method, JsonNode payload) {
        return bed.service.invokeMethod(DEVICE, "$edgeAgent", method, payload, 60, 10);
    }
}
