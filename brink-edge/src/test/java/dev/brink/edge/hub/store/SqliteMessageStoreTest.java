package dev.brink.edge.hub.store;

import static dev.brink.edge.hub.store.StoreTesting.UPSTREAM;
import static dev.brink.edge.hub.store.StoreTesting.ids;
import static dev.brink.edge.hub.store.StoreTesting.input;
import static dev.brink.edge.hub.store.StoreTesting.message;
import static dev.brink.edge.hub.store.StoreTesting.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.core.message.Message;
import dev.brink.core.route.OverflowPolicy;
import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite message store on real files: order, one copy per message, TTL, reopen, vacuum. */
class SqliteMessageStoreTest {
    private static final StoreAndForwardSettings DEFAULTS = StoreAndForwardSettings.DEFAULTS;

    @TempDir
    Path dir;

    private SqliteMessageStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private Path file() {
        return dir.resolve(SqliteMessageStore.FILE_NAME);
    }

    private SqliteMessageStore open(StoreAndForwardSettings settings, Clock clock) {
        store = SqliteMessageStore.open(file(), settings, clock);
        return store;
    }

    @Test
    void peeksInPriorityThenArrivalOrder() {
        open(DEFAULTS, Clock.systemUTC());
        CompletableFuture.allOf(
                store.append(message("a", 10), List.of(upstream(5, -1))),
                store.append(message("b", 10), List.of(upstream(0, -1))),
                store.append(message("c", 10), List.of(upstream())),
                store.append(message("d", 10), List.of(upstream(5, -1))),
                store.append(message("e", 10), List.of(upstream(0, -1)))).join();

        List<QueuedMessage> all = store.peek(UPSTREAM, 10);
        assertThat(ids(all)).containsExactly("b", "e", "a", "d", "c");
        assertThat(ids(store.peek(UPSTREAM, 2))).containsExactly("b", "e");
        Set<Long> inFlight = Set.of(all.get(0).entryId(), all.get(2).entryId());
        assertThat(ids(store.peek(UPSTREAM, 2, inFlight))).containsExactly("e", "d");
        assertThat(store.stats().queueLengths().get(UPSTREAM)).containsEntry(0, 2L).containsEntry(5, 2L);
    }

    @Test
    void storesEachMessageOnceAndKeepsEveryProperty() throws Exception {
        open(DEFAULTS, Clock.systemUTC());
        Message sent = Message.builder().body("{\"t\":21.5}").messageId("m-1").correlationId("c-1")
                .contentType("application/json").contentEncoding("utf-8").outputName("out1")
                .connectionDeviceId("edge").connectionModuleId("sensor")
                .creationTimeUtc(Instant.parse("2024-05-01T10:00:00.123Z"))
                .property("alert", "yes").property("$.weird", "kept").property("a b", "c&d")
                .enqueuedTime(Instant.parse("2024-05-01T10:00:01.123456789Z")).build();
        store.append(sent, List.of(upstream(), input("filter", "in1"))).join();

        QueuedMessage up = store.peek(UPSTREAM, 10).get(0);
        QueuedMessage in = store.peek("/modules/filter/inputs/in1", 10).get(0);
        assertThat(up.message()).isEqualTo(sent);
        assertThat(in.message()).isEqualTo(sent);
        assertThat(rows("messages")).isEqualTo(1);
        assertThat(rows("entries")).isEqualTo(2);
        assertThat(store.endpointsWithEntries()).containsExactly("$upstream", "/modules/filter/inputs/in1");

        store.remove(UPSTREAM, List.of(up.entryId())).join();
        assertThat(rows("messages")).as("still referenced by the module input").isEqualTo(1);
        assertThat(store.peek(UPSTREAM, 10)).isEmpty();
        store.remove(in.endpointId(), List.of(in.entryId())).join();
        assertThat(rows("messages")).isZero();
        assertThat(store.stats().storedBytes()).isZero();
        assertThat(store.endpointsWithEntries()).isEmpty();
        assertThat(store.stats().queueLengths()).isEmpty();
    }

    @Test
    void unroutedMessagesAreNotStoredButCounted() {
        open(DEFAULTS, Clock.systemUTC());
        store.append(message("x", 10), List.of()).join();
        assertThat(store.stats().dropped()).containsEntry("no_route", 1L);
        assertThat(store.stats().storedBytes()).isZero();
    }

    @Test
    void expiredEntriesAreSkippedDroppedAndCounted() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
        open(DEFAULTS, clock);
        CompletableFuture.allOf(
                store.append(message("short", 10), List.of(upstream(0, 10))),
                store.append(message("long", 10), List.of(upstream(0, 100))),
                store.append(message("forever", 10), List.of(upstream(0, -1)))).join();

        clock.advance(Duration.ofSeconds(50));
        assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("long", "forever");
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.stats().dropped().get("ttl_expiry") == 1L);
        assertThat(store.stats().queueLengths().get(UPSTREAM)).containsEntry(0, 2L);

        clock.advance(Duration.ofSeconds(100));
        assertThat(store.cleanup()).as("the periodic cleanup, run now").isEqualTo(1);
        assertThat(store.stats().dropped()).containsEntry("ttl_expiry", 2L);
        assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("forever");
        assertThat(rows("messages")).isEqualTo(1);
    }

    @Test
    void periodicCleanupDropsExpiredEntriesWithoutAnyReader() {
        ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
        store = SqliteMessageStore.open(file(), DEFAULTS, clock, Duration.ofMillis(200));
        store.append(message("short", 10), List.of(upstream(0, 10), input("m", "i"))).join();
        clock.advance(Duration.ofSeconds(11));
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.stats().dropped().get("ttl_expiry") == 1L);
        assertThat(store.endpointsWithEntries()).containsExactly("/modules/m/inputs/i");
    }

    @Test
    void aBackedUpQueueIsServedFromTheFileAndFromMemoryAgainOnceItIsShortWithoutEmptying() {
        open(DEFAULTS, Clock.systemUTC());
        int backedUp = QueueTails.MAX_ENTRIES + 500;
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < backedUp; i++) {
            appends.add(store.append(message("m" + i, 10), List.of(upstream(i % 2, -1))));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
        assertThat(store.peekInMemory(UPSTREAM, 10, Set.of())).as("more than memory holds: read the file").isNull();
        assertThat(ids(store.peek(UPSTREAM, 2))).containsExactly("m0", "m2");

        // Drain in delivery order down to just above the reload length: still from the file.
        int keep = QueueTails.RELOAD_AT + 1;
        store.remove(UPSTREAM, entryIds(store.peek(UPSTREAM, backedUp - keep))).join();
        assertThat(store.peekInMemory(UPSTREAM, 10, Set.of())).isNull();
        // One more removal: the queue is short again (not empty) and is loaded back into memory.
        List<QueuedMessage> next = store.peek(UPSTREAM, 1);
        store.remove(UPSTREAM, entryIds(next)).join();
        List<QueuedMessage> fromMemory = store.peekInMemory(UPSTREAM, QueueTails.RELOAD_AT + 10, Set.of());
        assertThat(fromMemory).as("served from memory again").isNotNull();
        assertThat(ids(fromMemory)).isEqualTo(ids(store.peek(UPSTREAM, QueueTails.RELOAD_AT + 10)))
                .hasSize(QueueTails.RELOAD_AT);

        // New appends join the reloaded tail at once, in delivery order; a removal of a reloaded entry goes to the file.
        store.append(message("new", 10), List.of(upstream(0, -1))).join();
        List<QueuedMessage> after = store.peekInMemory(UPSTREAM, QueueTails.RELOAD_AT + 10, Set.of());
        assertThat(after).hasSize(QueueTails.RELOAD_AT + 1);
        assertThat(ids(after).indexOf("new")).isLessThan(ids(after).indexOf("m" + (backedUp - 1)));
        store.remove(UPSTREAM, entryIds(after)).join();
        assertThat(store.peek(UPSTREAM, 10)).isEmpty();
        assertThat(store.stats().storedBytes()).isZero();
    }

    private static List<Long> entryIds(List<QueuedMessage> queued) {
        return queued.stream().map(QueuedMessage::entryId).toList();
    }

    @Test
    void figuresAndOrderSurviveReopen() {
        open(DEFAULTS, Clock.systemUTC());
        for (int i = 0; i < 20; i++) {
            store.append(message("m" + i, 100), List.of(upstream(i % 2, -1), input("m", "i"))).join();
        }
        QueuedMessage first = store.peek(UPSTREAM, 1).get(0);
        store.remove(UPSTREAM, List.of(first.entryId())).join();
        StoreStats before = store.stats();
        store.close();

        open(DEFAULTS, Clock.systemUTC());
        StoreStats after = store.stats();
        assertThat(after.storedBytes()).isEqualTo(before.storedBytes());
        assertThat(after.queueLengths()).isEqualTo(before.queueLengths());
        store.append(message("new", 100), List.of(upstream(0, -1))).join();
        List<String> up = ids(store.peek(UPSTREAM, 100));
        assertThat(up).hasSize(20).startsWith("m2", "m4").contains("new");
        assertThat(up.indexOf("new")).isEqualTo(9); // after the nine older priority-0 messages left
    }

    @Test
    void diskUseFallsAfterDrain() {
        open(DEFAULTS, Clock.systemUTC());
        int n = 20_000;
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            appends.add(store.append(message("m" + i, 1024), List.of(upstream())));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).join();
        long stored = store.stats().storedBytes();
        long peak = store.fileBytes();
        System.out.printf("messages.db after %d x 1 KB: %,d bytes on disk (db+wal+shm), %,d accounted%n", n, peak,
                stored);
        assertThat(peak).isGreaterThan(n * 1024L);
        store.compact(); // checkpoints the WAL into the file: what the data itself takes
        System.out.printf("messages.db alone: %,d bytes%n", store.fileBytes());

        while (true) {
            List<QueuedMessage> batch = store.peek(UPSTREAM, 500);
            if (batch.isEmpty()) {
                break;
            }
            store.remove(UPSTREAM, batch.stream().map(QueuedMessage::entryId).toList()).join();
        }
        assertThat(store.stats().storedBytes()).isZero();
        // No explicit call: the store compacts by itself when it becomes empty.
        await().atMost(30, TimeUnit.SECONDS).until(() -> store.fileBytes() < peak / 20);
        System.out.printf("messages.db after the drain: %,d bytes on disk%n", store.fileBytes());
    }

    @Test
    void entriesAreShownBeforeTheirWriteAndOnesRemovedBeforeItAreNeverWritten() throws Exception {
        open(DEFAULTS, Clock.systemUTC());
        String in = "/modules/filter/inputs/in1";
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + file())) {
            lock.createStatement().execute("BEGIN IMMEDIATE"); // the store's writer now waits for the file
            MessageStore.Appended both = store.enqueue(message("both", 100), List.of(input("filter", "in1"),
                    upstream()));
            MessageStore.Appended half = store.enqueue(message("half", 100), List.of(input("filter", "in1"),
                    upstream()));
            assertThat(both.shownAtOnce()).isTrue();
            List<QueuedMessage> shown = store.peek(in, 10);
            assertThat(shown).extracting(q -> q.message().messageId()).containsExactly("both", "half");
            assertThat(store.endpointsWithEntries()).containsExactly("$upstream", in);
            assertThat(both.stored()).isNotDone();

            // Delivered and acknowledged while the write waits: dropped without a write.
            assertThat(store.remove(in, List.of(shown.get(0).entryId()))).isDone();
            assertThat(store.cancelUnwritten(UPSTREAM, store.peek(UPSTREAM, 1).get(0).entryId())).isTrue();
            assertThat(store.cancelUnwritten(in, shown.get(1).entryId())).isTrue();
            assertThat(store.peek(in, 10)).isEmpty();
            // Every entry of "both" is acknowledged: nothing left to keep, so its append is done without the write
            // (the sender's PUBACK need not wait for the sync); "half" still has its upstream entry to write.
            assertThat(both.stored()).isCompleted();
            assertThat(half.stored()).isNotDone();
            lock.createStatement().execute("ROLLBACK");
            both.stored().get(30, TimeUnit.SECONDS);
            half.stored().get(30, TimeUnit.SECONDS);
            assertThat(both.wakeOnCommit()).isFalse();
        }
        assertThat(rows("entries")).as("only half's upstream entry was written").isEqualTo(1);
        assertThat(store.stats().unwrittenEntries()).isEqualTo(3);
        assertThat(rows("messages")).isEqualTo(1);
        QueuedMessage up = store.peek(UPSTREAM, 10).get(0);
        assertThat(up.message().messageId()).isEqualTo("half");
        assertThat(store.cancelUnwritten(UPSTREAM, up.entryId())).as("written: removed through the file").isFalse();
        store.remove(UPSTREAM, List.of(up.entryId())).get(30, TimeUnit.SECONDS);
        assertThat(rows("messages")).isZero();
        assertThat(store.stats().storedBytes()).isZero();
        assertThat(store.stats().queueLengths()).isEmpty();
        assertThat(store.endpointsWithEntries()).isEmpty();
        // The admitted bytes of what was never written are free again: a bound of a few messages still admits.
        store.apply(bounded(2_000, OverflowPolicy.REFUSE));
        store.append(message("after", 100), List.of(upstream())).get(30, TimeUnit.SECONDS);
    }

    private long rows(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static StoreAndForwardSettings bounded(long bytes, OverflowPolicy policy) {
        return new StoreAndForwardSettings(-1, bytes, policy);
    }

    static Map<String, Long> dropped(SqliteMessageStore s) {
        return s.stats().dropped();
    }
}
