package dev.brink.edge.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.route.StoreAndForwardSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged append survives SIGKILL: a child JVM appends from eight threads and prints each acknowledged
 * message id; the parent kills it ({@code destroyForcibly} is SIGKILL on Linux) while appends are in flight, reopens
 * the file and finds every acknowledged message exactly once.
 */
class StoreCrashDurabilityTest {
    private static final int KILL_AFTER_ACKS = 5_000;

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAcknowledgedMessageIsThereExactlyOnceAfterSigkill() throws Exception {
        Path file = dir.resolve(SqliteMessageStore.FILE_NAME);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), file.toString()).redirectErrorStream(true).start();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<String> other = new ArrayList<>();
        CountDownLatch enough = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("ACK ")) {
                        acked.add(line.substring(4));
                        if (acked.size() >= KILL_AFTER_ACKS) {
                            enough.countDown();
                        }
                    } else if (other.size() < 50) {
                        other.add(line);
                    }
                }
            } catch (IOException ignored) {
                // killed
            }
        }, "crash-child-output");
        reader.setDaemon(true);
        reader.start();
        assertThat(enough.await(120, TimeUnit.SECONDS)).as("child output: %s", other).isTrue();
        child.destroyForcibly(); // SIGKILL while appends are in flight
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        Set<String> ackedAtKill = Set.copyOf(acked);

        try (SqliteMessageStore store = SqliteMessageStore.open(file, StoreAndForwardSettings.DEFAULTS,
                Clock.systemUTC())) {
            List<String> stored = new ArrayList<>();
            Set<Long> storedEntries = new HashSet<>();
            while (true) {
                List<QueuedMessage> page = store.peek(StoreTesting.UPSTREAM, 5000, storedEntries);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(q -> {
                    stored.add(q.message().messageId());
                    storedEntries.add(q.entryId());
                });
            }
            Set<String> distinct = new HashSet<>(stored);
            System.out.printf("acknowledged before SIGKILL: %d, stored after reopen: %d%n", ackedAtKill.size(),
                    stored.size());
            assertThat(distinct).as("no message stored twice").hasSize(stored.size());
            assertThat(distinct).containsAll(ackedAtKill);
            assertThat(store.stats().queueLengths().get(StoreTesting.UPSTREAM).values().stream()
                    .mapToLong(Long::longValue).sum()).isEqualTo(stored.size());
        }
    }
}
