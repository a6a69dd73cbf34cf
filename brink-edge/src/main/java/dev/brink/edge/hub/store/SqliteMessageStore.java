package dev.brink.edge.hub.store;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.hub.routing.RoutedEndpoint;
import dev.brink.edge.hub.store.StoreWriter.Append;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WriterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge hub's {@link MessageStore} in its own SQLite file ({@code messages.db}, WAL, {@code synchronous=FULL},
 * {@code auto_vacuum=INCREMENTAL}). Appends go through one {@link GroupCommitWriter}: whatever is queued becomes one
 * transaction and one sync, and an append's future completes after that sync. Its entries are shown to peeks as
 * it is queued ({@link QueueTails#offer}); an entry removed before the writer reached it is never written
 * ({@link #cancelUnwritten}), and an append whose every entry went that way completes at once. Reads
 * ({@link #peek}) use a {@link ReaderPool} on the caller's thread. Byte and queue figures live in memory
 * ({@link StoreLedger}), loaded at open, so the disk bound costs no query. Schema, bound, vacuum and TTL: README.md and docs/store-and-forward.md.
 */
public final class SqliteMessageStore implements MessageStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMessageStore.class);
    public static final String FILE_NAME = "messages.db";
    /** How often expired entries are purged and free pages considered for vacuum when nobody peeks. */
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofSeconds(60);
    static final int MAX_GROUP = 1000;
    /**
     * {@code -Dbrink.edgehub.earlyDelivery=false} shows entries only once committed (nothing is delivered before
     * its write, nothing is left unwritten): for comparisons, and a way back should the early path misbehave.
     */
    static final boolean EARLY_DELIVERY = !"false".equals(System.getProperty("brink.edgehub.earlyDelivery"));
    /**
     * How long the writer waits for more appends before each group ({@code -Dbrink.edgehub.writerLingerMicros}):
     * the time a module's acknowledgement has to arrive before the message is written (then it never is, and the
     * sender's PUBACK does not wait for a sync). 300 µs: of 0, 300 and 1,000 µs the best routed throughput
     * (docs/benchmarks.md, session 4); it adds at most that to a PUBACK when the writer was idle.
     */
    static final int WRITER_LINGER_MICROS = Integer.getInteger("brink.edgehub.writerLingerMicros", 300);
    private static final int READERS = 4;
    private static final String CLOSED = "The edge hub's message store is closed";
    /**
     * WAL + synchronous=FULL. Checkpoints run on the maintenance connection; under sustained appends those PASSIVE
     * checkpoints never see the WAL complete, so the writer's own autocheckpoint at 2,000 pages (8 MiB; by then
     * mostly copied already, so cheap) is what lets the WAL restart, and a restarted WAL is truncated to 8 MiB.
     * Measured: 20,000 x 1 KB appends left a 24 MB WAL with a 10,000-page backstop.
     */
    static final ConnectionSettings SETTINGS = new ConnectionSettings(10_000, 8 * 1024, 0, 2_000, 8L << 20,
            false, true);

    private final Path file;
    private final Clock clock;
    private final StoreLedger ledger;
    private final QueueTails tails;
    private final GroupCommitWriter<StoreWriter> writer;
    private final ReaderPool<SqlSession> readers;
    private final StoreMaintenance maintenance;
    /** Appends take ids, are offered to the tails and queued for the writer under this lock: one order for all. */
    private final Object appendOrder = new Object();
    private long nextMessageId; // guarded by appendOrder
    private long nextEntryId; // guarded by appendOrder
    private boolean closed;

    private SqliteMessageStore(Path file, Clock clock, StoreLedger ledger, QueueTails tails,
            GroupCommitWriter<StoreWriter> writer, ReaderPool<SqlSession> readers, StoreMaintenance maintenance,
            long[] nextIds) {
        this.nextMessageId = nextIds[0];
        this.nextEntryId = nextIds[1];
        this.file = file;
        this.clock = clock;
        this.ledger = ledger;
        this.tails = tails;
        this.writer = writer;
        this.readers = readers;
        this.maintenance = maintenance;
    }

    /** Opens (creating if needed) the store in {@code file}, normally {@code {data}/edgehub/messages.db}. */
    public static SqliteMessageStore open(Path file, StoreAndForwardSettings settings, Clock clock) {
        return open(file, settings, clock, DEFAULT_CLEANUP_INTERVAL);
    }

    /** As {@link #open(Path, StoreAndForwardSettings, Clock)} with another periodic cleanup interval. */
    public static SqliteMessageStore open(Path file, StoreAndForwardSettings settings, Clock clock,
            Duration cleanupInterval) {
        Path absolute = file.toAbsolutePath();
        String url = ConnectionSettings.url(absolute);
        SqlSession session = null;
        SqlSession checkpointer = null;
        try {
            Files.createDirectories(absolute.getParent());
            createSchema(url);
            session = SETTINGS.openWriter(url).withoutGeneratedKeys(); // ids come from the store's counters
            StoreLedger ledger = new StoreLedger(settings);
            QueueTails tails = new QueueTails();
            long[] nextIds = load(session, ledger, tails);
            StoreWriter tx = new StoreWriter(session, ledger, tails);
            String name = "brink-messages";
            GroupCommitWriter<StoreWriter> writer = new GroupCommitWriter<>(session, tx,
                    new WriterOptions(name, MAX_GROUP, CLOSED, "message store write failed: ", false)
                            .lingering(WRITER_LINGER_MICROS), tx);
            checkpointer = SETTINGS.openCheckpointer(url);
            StoreMaintenance maintenance = new StoreMaintenance(checkpointer, writer, clock, cleanupInterval, name);
            tx.afterCommit(maintenance::afterCommit);
            return new SqliteMessageStore(absolute, clock, ledger, tails, writer,
                    new ReaderPool<>(url, SETTINGS, READERS, s -> s, CLOSED), maintenance, nextIds);
        } catch (SQLException | IOException e) {
            SqlSession.closeQuietly(checkpointer);
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the message store " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Creates or migrates the schema on a connection of its own, before the writer puts the file in WAL mode:
     * {@code auto_vacuum} can only be switched on while the file has no table and is not in WAL mode yet (measured:
     * set after {@code journal_mode=WAL} it silently stays off). A file without it keeps working, it just does not
     * shrink (logged).
     */
    private static void createSchema(String url) throws SQLException {
        try (SqlSession session = SETTINGS.openReadWrite(url)) {
            if (scalar(session, "SELECT COUNT(*) FROM sqlite_master") == 0) {
                session.exec("PRAGMA journal_mode = DELETE"); // a file left empty by a crash may already be WAL
                session.exec("PRAGMA auto_vacuum = INCREMENTAL");
                session.exec("VACUUM");
            }
            SchemaMigrations.migrate(session, StoreSchema.MIGRATIONS);
            if (scalar(session, "PRAGMA auto_vacuum") != 2) {
                LOG.warn("Message store: auto_vacuum is not INCREMENTAL in {}; the file will not shrink after a drain",
                        url);
            }
        }
    }

    /** Loads the figures of what the file holds; returns the next message and entry ids (past those in use). */
    private static long[] load(SqlSession session, StoreLedger ledger, QueueTails tails) throws SQLException {
        long messageBytes = scalar(session, "SELECT COALESCE(SUM(size), 0) FROM messages");
        long entries = 0;
        Map<String, Map<Integer, Long>> queues = new HashMap<>();
        try (ResultSet rs = session.prepare("SELECT endpoint, priority, COUNT(*) FROM entries"
                + " GROUP BY endpoint, priority").executeQuery()) {
            while (rs.next()) {
                queues.computeIfAbsent(rs.getString(1), e -> new HashMap<>()).put(rs.getInt(2), rs.getLong(3));
                entries += rs.getLong(3);
            }
        }
        ledger.load(messageBytes + entries * StoreLedger.ENTRY_BYTES, queues);
        tails.incomplete(queues.keySet());
        return new long[] {scalar(session, "SELECT COALESCE(MAX(id), 0) FROM messages") + 1,
                scalar(session, "SELECT COALESCE(MAX(id), 0) FROM entries") + 1};
    }

    private static long scalar(SqlSession session, String sql) throws SQLException {
        try (ResultSet rs = session.prepare(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public Appended enqueue(Message message, List<RoutedEndpoint> targets) {
        if (targets.isEmpty()) {
            ledger.noRoute();
            return new Appended(CompletableFuture.completedFuture(null), true, () -> false);
        }
        Instant now = clock.instant();
        long nowMs = now.toEpochMilli();
        String properties = MessageCodec.properties(message);
        byte[] body = message.body();
        Instant enqueued = message.enqueuedTime() != null ? message.enqueuedTime() : now;
        long enqueuedNanos = MessageCodec.toNanos(enqueued);
        long messageBytes = StoreLedger.messageBytes(properties.getBytes(StandardCharsets.UTF_8).length, body.length);
        long cost = messageBytes + StoreLedger.ENTRY_BYTES * targets.size();
        try {
            ledger.admit(cost);
        } catch (StoreFullException e) {
            return new Appended(CompletableFuture.failedFuture(e), false, () -> false);
        }
        List<QueueTails.Entry> entries = new ArrayList<>(targets.size());
        // Completes when the write commits, or earlier when every entry was delivered and acknowledged before the
        // writer reached it: then there is nothing left to keep, so the sender's PUBACK need not wait for a sync.
        CompletableFuture<Void> stored = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger unacknowledged = new java.util.concurrent.atomic.AtomicInteger(
                targets.size());
        Runnable onCancelled = () -> {
            if (unacknowledged.decrementAndGet() == 0) {
                stored.complete(null);
            }
        };
        CompletableFuture<Void> written;
        boolean shown;
        synchronized (appendOrder) {
            long messageId = nextMessageId++;
            for (RoutedEndpoint t : targets) {
                long expires = t.neverExpires() ? StoreSchema.NEVER
                        : Math.min(StoreSchema.NEVER - 1, nowMs + Math.multiplyExact(t.ttlSecs(), 1000L));
                entries.add(new QueueTails.Entry(nextEntryId++, t.endpointId(), t.priority(), expires, messageBytes,
                        properties, body, enqueuedNanos, onCancelled));
            }
            shown = EARLY_DELIVERY && tails.offer(entries);
            Append append = new Append(messageId, properties, body, enqueuedNanos, messageBytes, entries);
            written = writer.submit(tx -> tx.append(append));
        }
        written.whenComplete((v, e) -> {
            if (e != null) {
                ledger.release(cost);
                tails.retract(entries); // e.g. closed before it was written: nothing of it may stay visible
                stored.completeExceptionally(e); // no effect if every entry was acknowledged already
            } else {
                stored.complete(null);
            }
        });
        return new Appended(stored, shown, () -> entries.stream().anyMatch(en -> en.hidden));
    }

    @Override
    public List<QueuedMessage> peek(String endpointId, int limit) {
        return peek(endpointId, limit, Set.of());
    }

    @Override
    public List<QueuedMessage> peek(String endpointId, int limit, Set<Long> skip) {
        // A short queue is served from memory; a backed-up one (or one left by an earlier run) from the file.
        List<QueuedMessage> live = peekInMemory(endpointId, limit, skip);
        if (live != null) {
            return live;
        }
        long nowMs = clock.millis();
        List<Long> expired = new ArrayList<>();
        List<QueuedMessage> read = new ArrayList<>(limit);
        readers.read(session -> {
            try {
                readQueue(session, endpointId, limit, skip, nowMs, read, expired);
                return null;
            } catch (SQLException e) {
                throw SqlSession.failure("read the queue of " + endpointId, e);
            }
        });
        dropExpired(endpointId, expired, nowMs);
        return read;
    }

    @Override
    public List<QueuedMessage> peekInMemory(String endpointId, int limit, Set<Long> skip) {
        long nowMs = clock.millis();
        List<Long> expired = new ArrayList<>();
        List<QueuedMessage> live = tails.peek(endpointId, limit, skip, nowMs, expired);
        if (live != null) {
            dropExpired(endpointId, expired, nowMs);
        }
        return live;
    }

    /** Non-blocking: the entries are dropped through the writer; counted there, by what it actually deletes. */
    private void dropExpired(String endpointId, List<Long> expired, long nowMs) {
        if (expired.isEmpty()) {
            return;
        }
        writer.submit(tx -> tx.expire(endpointId, expired, nowMs)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Message store: dropping {} expired entries of {} failed: {}", expired.size(),
                        endpointId, e.getMessage());
            }
        });
    }

    /** Keyset pages in delivery order until {@code limit} live entries are found or the queue ends. */
    private static void readQueue(SqlSession session, String endpointId, int limit, Set<Long> skip, long nowMs,
            List<QueuedMessage> live, List<Long> expired) throws SQLException {
        int lastPriority = Integer.MIN_VALUE;
        long lastId = Long.MIN_VALUE;
        int page = limit + skip.size() + 16;
        PreparedStatement ps = session.prepare(StoreSchema.PEEK);
        while (live.size() < limit) {
            ps.setString(1, endpointId);
            ps.setInt(2, lastPriority);
            ps.setLong(3, lastId);
            ps.setInt(4, page);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && live.size() < limit) {
                    rows++;
                    // Columns are read lazily: skipped and expired rows never load their body.
                    long id = rs.getLong(1);
                    int priority = rs.getInt(2);
                    lastPriority = priority;
                    lastId = id;
                    if (skip.contains(id)) {
                        continue;
                    }
                    if (rs.getLong(3) <= nowMs) {
                        expired.add(id);
                        continue;
                    }
                    Message m = MessageCodec.message(rs.getString(5), rs.getBytes(6), rs.getLong(4));
                    live.add(new QueuedMessage(id, endpointId, priority, m));
                }
            }
            if (rows < page) {
                return;
            }
        }
    }

    @Override
    public CompletableFuture<Void> remove(String endpointId, List<Long> entryIds) {
        List<Long> written = new ArrayList<>(entryIds.size());
        for (long id : entryIds) {
            if (!tails.cancel(endpointId, id)) {
                written.add(id);
            }
        }
        if (written.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Long> ids = List.copyOf(written);
        return writer.submit(tx -> tx.remove(endpointId, ids));
    }

    @Override
    public boolean cancelUnwritten(String endpointId, long entryId) {
        return tails.cancel(endpointId, entryId);
    }

    @Override
    public void apply(StoreAndForwardSettings settings) {
        ledger.apply(settings);
    }

    @Override
    public List<String> endpointsWithEntries() {
        List<String> committed = ledger.endpointsWithEntries();
        List<String> shown = tails.endpointsShowingEntries();
        if (shown.isEmpty() || committed.containsAll(shown)) {
            return committed;
        }
        java.util.TreeSet<String> all = new java.util.TreeSet<>(committed);
        all.addAll(shown);
        return List.copyOf(all);
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(ledger.storedBytes(), fileBytes(), ledger.queueLengths(), ledger.dropped(),
                ledger.unwrittenEntries());
    }

    /** The database file, its WAL and its shared-memory index: what the store takes on disk now. */
    public long fileBytes() {
        long total = 0;
        for (String suffix : List.of("", "-wal", "-shm")) {
            try {
                total += Files.size(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException absent) {
                // no WAL (or no shm) right now
            }
        }
        return total;
    }

    /** Runs the periodic cleanup now (TTL purge, vacuum if worthwhile); returns the expired entries dropped. */
    public int cleanup() {
        return maintenance.cleanup();
    }

    /** Gives every free page back and truncates the WAL now (done by itself after a drain). */
    public void compact() {
        maintenance.compact(true);
    }

    /** Finishes every write already queued, then closes; later calls fail with ServiceUnavailable. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.close();
        writer.close();
        readers.close();
        writer.closeSession(); // last, so SQLite checkpoints and removes the WAL
    }
}
