package dev.brink.edge.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.route.StoreAndForwardSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * An indicative figure, not a benchmark (those live in brink-bench): 100 appenders, each waiting for its durable
 * append before the next, 100,000 messages of 1 KB to {@code $upstream}, then the same drained with peek/remove.
 * Run with {@code -Dtest=MessageStoreThroughputCheck -Dbrink.check=true}.
 */
@EnabledIfSystemProperty(named = "brink.check", matches = "true")
class MessageStoreThroughputCheck {
    private static final int MESSAGES = 100_000;
    private static final int APPENDERS = 100;

    @TempDir
    Path dir;

    @Test
    void appendsPerSecond() throws Exception {
        try (SqliteMessageStore store = SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME),
                StoreAndForwardSettings.DEFAULTS, Clock.systemUTC())) {
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < APPENDERS; t++) {
                Thread thread = new Thread(() -> {
                    for (int i; (i = next.getAndIncrement()) < MESSAGES; ) {
                        store.append(StoreTesting.message("m" + i, 1024), List.of(StoreTesting.upstream())).join();
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("append: %,d x 1 KB, %d appenders: %.1f s = %,.0f msg/s; file %,d bytes%n", MESSAGES,
                    APPENDERS, secs, MESSAGES / secs, store.fileBytes());

            start = System.nanoTime();
            int drained = 0;
            while (true) {
                List<QueuedMessage> batch = store.peek(StoreTesting.UPSTREAM, 500);
                if (batch.isEmpty()) {
                    break;
                }
                drained += batch.size();
                store.remove(StoreTesting.UPSTREAM, batch.stream().map(QueuedMessage::entryId).toList()).join();
            }
            secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("drain (peek 500 + remove): %.1f s = %,.0f msg/s%n", secs, drained / secs);
            assertThat(drained).isEqualTo(MESSAGES);
        }
    }
}
