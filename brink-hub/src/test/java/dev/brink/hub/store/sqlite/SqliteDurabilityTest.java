package dev.brink.hub.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.id.IdentityKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing child JVM with SIGKILL and checks that every acknowledged write survived. */
class SqliteDurabilityTest {
    private static final int ACKS_BEFORE_KILL = 3000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Path file = dir.resolve("hub.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DurabilityChild.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                if (line.startsWith("dev-")) {
                    acknowledged.add(line);
                }
            }
            child.destroyForcibly(); // SIGKILL; also closes our end of the pipe, so lines still in it are not read
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acknowledged).hasSize(ACKS_BEFORE_KILL);

        try (SqliteHubStore store = SqliteHubStore.open(file)) {
            List<String> missing = store.read(v -> acknowledged.stream()
                    .filter(id -> v.registry().find(IdentityKey.device(id)).isEmpty()).toList());
            assertThat(missing).isEmpty();
        }
    }
}
