package dev.brink.edge.hub.store;

import dev.brink.core.route.OverflowPolicy;
import dev.brink.edge.hub.store.StoreLedger.GroupDelta;
import dev.brink.infra.sqlite.GroupListener;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's write transaction, bound to the group-commit writer's connection; every method runs on the writer
 * thread inside a group. Ids come with the appends (the store hands them out as it queues them, so entries can be
 * shown before they are written); the figures in {@link GroupDelta} only become final when the group commits
 * ({@link GroupListener}): a group that rolls back takes its effects back and its entries out of the tails.
 */
final class StoreWriter implements GroupListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /**
     * One message to store, prepared on the appender's thread (ids, JSON and sizes decided there, not here), with
     * its queue entries (already offered to the tails). {@code messageBytes} is the message row's share of the disk
     * bound; each entry adds {@link StoreLedger#ENTRY_BYTES}.
     */
    record Append(long messageId, String properties, byte[] body, long enqueuedNanos, long messageBytes,
            List<QueueTails.Entry> entries) {
        long cost() {
            return cost(entries.size());
        }

        long cost(int entryCount) {
            return messageBytes + StoreLedger.ENTRY_BYTES * entryCount;
        }
    }

    private record EntryRow(long id, String endpoint, int priority, long messageId) {
    }

    private final SqlSession session;
    private final RowBatches batches;
    private final StoreLedger ledger;
    private final QueueTails tails;
    private volatile Consumer<Boolean> afterCommit = emptied -> { };
    private GroupDelta delta = new GroupDelta();

    StoreWriter(SqlSession session, StoreLedger ledger, QueueTails tails) {
        this.session = session;
        this.batches = new RowBatches(session);
        this.ledger = ledger;
        this.tails = tails;
    }

    /** Told after every durable group that changed something; {@code true} when the store became empty. */
    void afterCommit(Consumer<Boolean> hook) {
        afterCommit = hook;
    }

    /**
     * Writes the message and those of its entries nobody has cancelled yet (acknowledged before the writer got
     * here: delivered, so there is nothing left to keep); a message whose every entry was cancelled is not written.
     * The rows are inserted with the rest of the group's ({@link RowBatches}) before the COMMIT, or before the next
     * task that is not an append.
     */
    Void append(Append a) {
        long bound = ledger.settings().maxStoreSizeBytes();
        if (ledger.settings().overflowPolicy() == OverflowPolicy.DROP_OLDEST
                && ledger.reserved() - delta.freedBytes > bound) {
            flushRows(); // the oldest rows may be this group's
            makeRoom(bound);
        }
        List<QueueTails.Entry> live = new ArrayList<>(a.entries().size());
        for (QueueTails.Entry e : a.entries()) {
            if (e.markWritten()) {
                live.add(e);
            }
        }
        long written = live.isEmpty() ? 0 : a.cost(live.size());
        delta.cancelledBytes += a.cost() - written;
        delta.cancelledEntries += a.entries().size() - live.size();
        if (live.isEmpty()) {
            return null;
        }
        batches.add(a, live);
        for (QueueTails.Entry e : live) {
            delta.queue(e.endpoint(), e.priority(), 1);
            delta.added.add(e);
        }
        delta.addedBytes += written;
        return null;
    }

    /**
     * Delivered entries go, and the messages they leave without references; ids that are not (or no longer) in
     * this endpoint's queue are ignored. Many rows to a statement ({@link RowBatches}).
     */
    Void remove(String endpoint, List<Long> entryIds) {
        flushRows();
        try {
            Map<Long, Integer> references = new HashMap<>();
            for (RowBatches.Taken t : batches.takeEntries(endpoint, entryIds)) {
                entryDeleted(endpoint, t.id(), t.priority());
                references.merge(t.messageId(), 1, Integer::sum);
            }
            List<Long> once = new ArrayList<>(references.size());
            references.forEach((messageId, n) -> {
                if (n == 1) {
                    once.add(messageId);
                } else {
                    for (int i = 0; i < n; i++) {
                        release(messageId); // the same message twice in one endpoint's queue: one at a time
                    }
                }
            });
            delta.freedBytes += batches.release(once);
            return null;
        } catch (SQLException e) {
            throw SqlSession.failure("remove delivered entries", e);
        }
    }

    /** Entries a reader found expired: deleted if they still are (another peek may have got there first). */
    Void expire(String endpoint, List<Long> entryIds, long nowMs) {
        flushRows();
        for (long id : entryIds) {
            if (take(endpoint, id, nowMs)) {
                delta.ttlExpired++;
            }
        }
        return null;
    }

    /** The periodic cleanup: every entry expired at {@code nowMs}, through the partial expiry index. */
    Integer purgeExpired(long nowMs) {
        flushRows();
        int total = 0;
        while (true) {
            List<EntryRow> rows = rows(StoreSchema.EXPIRED_ENTRIES, nowMs);
            rows.forEach(this::delete);
            total += rows.size();
            delta.ttlExpired += rows.size();
            if (rows.size() < 1000) {
                return total;
            }
        }
    }

    /** Frees up to {@code pages} pages of the freelist (auto_vacuum=INCREMENTAL); returns the pages freed. */
    Integer incrementalVacuum(int pages) {
        flushRows();
        // Through Statement.executeUpdate: the pragma yields one empty row per page, and only this path of the
        // driver steps it to the end (executeQuery refuses a statement without columns).
        try (Statement st = session.connection().createStatement()) {
            long before = freePages(st);
            st.executeUpdate("PRAGMA incremental_vacuum(" + pages + ")");
            return (int) (before - freePages(st));
        } catch (SQLException e) {
            throw SqlSession.failure("incremental vacuum", e);
        }
    }

    private static long freePages(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA freelist_count")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** dropOldest: deletes the oldest entries (arrival order, any endpoint) until what is admitted fits. */
    private void makeRoom(long bound) {
        while (ledger.reserved() - delta.freedBytes > bound) {
            List<EntryRow> oldest = rows(StoreSchema.OLDEST_ENTRIES, null);
            if (oldest.isEmpty()) {
                return;
            }
            for (EntryRow row : oldest) {
                boolean messageGone = delete(row);
                delta.overflow++;
                // Whole messages go: a message queued for two endpoints loses both entries, never just one.
                if (messageGone && ledger.reserved() - delta.freedBytes <= bound) {
                    return;
                }
            }
        }
    }

    /**
     * Deletes entry {@code id} of {@code endpoint} if it expired by {@code expiredBy}, and its message with its last
     * entry; false when there was no such entry. Two statements for a message queued for one endpoint.
     */
    private boolean take(String endpoint, long id, long expiredBy) {
        int priority;
        long messageId;
        try {
            PreparedStatement ps = session.prepare(StoreSchema.TAKE_ENTRY);
            ps.setLong(1, id);
            ps.setString(2, endpoint);
            ps.setLong(3, expiredBy);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                priority = rs.getInt(1);
                messageId = rs.getLong(2);
            }
        } catch (SQLException e) {
            throw SqlSession.failure("delete a queue entry", e);
        }
        entryDeleted(endpoint, id, priority);
        release(messageId);
        return true;
    }

    private List<EntryRow> rows(String sql, Long param) {
        try {
            PreparedStatement ps = session.prepare(sql);
            if (param != null) {
                ps.setLong(1, param);
            }
            List<EntryRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new EntryRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw SqlSession.failure("read queue entries", e);
        }
    }

    /** Deletes one entry found by a scan; the message goes with its last entry (then returns true). */
    private boolean delete(EntryRow row) {
        try {
            PreparedStatement entry = session.prepare(StoreSchema.DELETE_ENTRY);
            entry.setLong(1, row.id());
            entry.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("delete a queue entry", e);
        }
        entryDeleted(row.endpoint(), row.id(), row.priority());
        return release(row.messageId());
    }

    private void entryDeleted(String endpoint, long id, int priority) {
        delta.freedBytes += StoreLedger.ENTRY_BYTES;
        delta.queue(endpoint, priority, -1);
        delta.deleted.add(new QueueTails.Deleted(endpoint, id));
    }

    /** One reference to the message is gone: deletes it with its last one (then returns true), else counts down. */
    private boolean release(long messageId) {
        try {
            PreparedStatement last = session.prepare(StoreSchema.DELETE_LAST_REF);
            last.setLong(1, messageId);
            try (ResultSet rs = last.executeQuery()) {
                if (rs.next()) {
                    delta.freedBytes += rs.getLong(1);
                    return true;
                }
            }
            PreparedStatement deref = session.prepare(StoreSchema.DEREF_MESSAGE);
            deref.setLong(1, messageId);
            deref.executeUpdate();
            return false;
        } catch (SQLException e) {
            throw SqlSession.failure("release a stored message", e);
        }
    }

    /** The appends' rows queued so far go into the file now: what runs next may read or delete them. */
    private void flushRows() {
        try {
            batches.flush();
        } catch (SQLException e) {
            throw SqlSession.failure("store messages", e);
        }
    }

    @Override
    public void begun() {
        batches.clear();
        delta = new GroupDelta();
    }

    @Override
    public void beforeCommit() {
        flushRows();
    }

    @Override
    public void committed() {
        if (!delta.isEmpty()) {
            ledger.commit(delta);
            tails.committed(delta.added, delta.deleted, ledger::queueLength);
            if (!delta.deleted.isEmpty()) {
                reloadShortQueues();
            }
            afterCommit.accept(delta.freedBytes > 0 && ledger.storedBytes() == 0);
        }
    }

    /**
     * Queues that backed up and are short again are loaded back into memory, so their readers stop reading the
     * file. After the commit, on the writer's connection: the file holds exactly what has committed. Never
     * throws (the group is durable already): a failed read leaves the queue served from the file.
     */
    private void reloadShortQueues() {
        for (String endpoint : tails.reloadable(ledger::queueLength)) {
            try {
                tails.reload(endpoint, readQueue(endpoint, QueueTails.RELOAD_AT + 1));
            } catch (RuntimeException e) {
                LOG.warn("Message store: loading the queue of {} back into memory failed: {}", endpoint,
                        e.getMessage());
            }
        }
    }

    private List<QueueTails.Entry> readQueue(String endpoint, int limit) {
        try {
            PreparedStatement ps = session.prepare(StoreSchema.QUEUE);
            ps.setString(1, endpoint);
            ps.setInt(2, limit);
            List<QueueTails.Entry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new QueueTails.Entry(rs.getLong(1), endpoint, rs.getInt(2), rs.getLong(3),
                            rs.getLong(7), rs.getString(5), rs.getBytes(6), rs.getLong(4)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw SqlSession.failure("read the queue of " + endpoint, e);
        }
    }

    @Override
    public void rolledBack() {
        batches.clear();
        tails.retract(delta.added);
        delta = new GroupDelta();
    }
}
