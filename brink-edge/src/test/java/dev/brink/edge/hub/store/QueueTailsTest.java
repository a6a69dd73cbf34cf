package dev.brink.edge.hub.store;

import static dev.brink.edge.hub.store.StoreTesting.UPSTREAM;
import static dev.brink.edge.hub.store.StoreTesting.ids;
import static dev.brink.edge.hub.store.StoreTesting.message;
import static dev.brink.edge.hub.store.StoreTesting.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.route.StoreAndForwardSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peeks give the same answers whether the queue's tail is served from memory or from the file. */
class QueueTailsTest {
    @TempDir
    Path dir;

    private SqliteMessageStore open() {
        return SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME), StoreAndForwardSettings.DEFAULTS,
                Clock.systemUTC());
    }

    private static List<String> range(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void aBackedUpQueueIsReadFromTheFileAndFromMemoryAgainOnceDrained() {
        int n = QueueTails.MAX_ENTRIES + 200;
        try (SqliteMessageStore store = open()) {
            for (int i = 0; i < n; i++) {
                store.append(message("m" + i, 10), List.of(upstream())).join();
            }
            assertThat(ids(store.peek(UPSTREAM, 5))).containsExactlyElementsOf(range("m", 0, 5));
            List<QueuedMessage> all = store.peek(UPSTREAM, n + 1);
            assertThat(ids(all)).containsExactlyElementsOf(range("m", 0, n));
            Set<Long> skip = Set.of(all.get(0).entryId(), all.get(2).entryId());
            assertThat(ids(store.peek(UPSTREAM, 2, skip))).containsExactly("m1", "m3");

            store.remove(UPSTREAM, all.stream().map(QueuedMessage::entryId).toList()).join();
            assertThat(store.peek(UPSTREAM, 10)).isEmpty();
            // Drained: the tail is complete again; priority order holds from memory too.
            store.append(message("late", 10), List.of(upstream(1, -1))).join();
            store.append(message("urgent", 10), List.of(upstream(0, -1))).join();
            assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("urgent", "late");
        }
    }

    @Test
    void entriesLeftByAnEarlierRunAreReadFromTheFile() {
        List<Long> first = new ArrayList<>();
        try (SqliteMessageStore store = open()) {
            for (int i = 0; i < 3; i++) {
                store.append(message("old" + i, 10), List.of(upstream())).join();
            }
            store.peek(UPSTREAM, 10).forEach(q -> first.add(q.entryId()));
        }
        try (SqliteMessageStore store = open()) {
            store.append(message("new", 10), List.of(upstream())).join();
            assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("old0", "old1", "old2", "new");
            store.remove(UPSTREAM, first).join();
            assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("new");
            QueuedMessage fromFile = store.peek(UPSTREAM, 1).get(0);
            store.remove(UPSTREAM, List.of(fromFile.entryId())).join();
            store.append(message("newer", 10), List.of(upstream())).join();
            QueuedMessage fromMemory = store.peek(UPSTREAM, 1).get(0);
            // The same message either way (decoded as stored, enqueued time included).
            assertThat(fromMemory.message().messageId()).isEqualTo("newer");
            assertThat(fromMemory.message().body()).isEqualTo(fromFile.message().body());
            assertThat(fromMemory.message().enqueuedTime()).isNotNull();
        }
    }

    @Test
    void anEntryWithoutRoomInMemoryIsShownWithItsCommitAndTellsItsAppenderToWakeReadersThen() throws Exception {
        Path file = dir.resolve(SqliteMessageStore.FILE_NAME);
        try (SqliteMessageStore store = open()) {
            for (int i = 0; i < QueueTails.MAX_ENTRIES - 1; i++) {
                store.append(message("m" + i, 10), List.of(upstream())).join();
            }
            List<MessageStore.Appended> waiting = new ArrayList<>();
            try (java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
                lock.createStatement().execute("BEGIN IMMEDIATE");
                waiting.add(store.enqueue(message("early", 10), List.of(upstream())));
                waiting.add(store.enqueue(message("full", 10), List.of(upstream())));
                assertThat(waiting.get(0).shownAtOnce()).as("the last place in memory").isTrue();
                assertThat(waiting.get(1).shownAtOnce()).as("no room: shown with its commit").isFalse();
                assertThat(ids(store.peek(UPSTREAM, QueueTails.MAX_ENTRIES + 5))).endsWith("early");
                lock.createStatement().execute("ROLLBACK");
            }
            for (MessageStore.Appended a : waiting) {
                a.stored().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            // "full" was not shown: its readers must be woken at its commit. ("early" needs it only if its group
            // committed after the one that pushed the tail out of memory: up to the writer's grouping.)
            assertThat(waiting.get(1).wakeOnCommit()).isTrue();
            assertThat(ids(store.peek(UPSTREAM, QueueTails.MAX_ENTRIES + 5))).endsWith("early", "full")
                    .hasSize(QueueTails.MAX_ENTRIES + 1);
        }
    }

    @Test
    void retractedAndCancelledEntriesAreNotShownAndOnlyOneOfWriterAndCancellationWins() {
        QueueTails tails = new QueueTails();
        QueueTails.Entry a = entry(1);
        QueueTails.Entry b = entry(2);
        QueueTails.Entry c = entry(3);
        assertThat(tails.offer(List.of(a, b, c))).isTrue();
        assertThat(b.markWritten()).isTrue();
        assertThat(tails.cancel("e", 2)).as("written first").isFalse();
        assertThat(tails.cancel("e", 1)).isTrue();
        assertThat(a.markWritten()).as("cancelled first").isFalse();
        tails.retract(List.of(c));
        List<Long> expired = new ArrayList<>();
        assertThat(tails.peek("e", 10, Set.of(), 0, expired)).extracting(QueuedMessage::entryId).containsExactly(2L);
        assertThat(tails.cancel("e", 3)).as("retracted: nothing left to cancel").isFalse();
        assertThat(tails.endpointsShowingEntries()).containsExactly("e");
    }

    private static QueueTails.Entry entry(long id) {
        return new QueueTails.Entry(id, "e", 0, Long.MAX_VALUE, 10, "{\"system\":{},\"app\":{}}", new byte[1], 0);
    }
}
