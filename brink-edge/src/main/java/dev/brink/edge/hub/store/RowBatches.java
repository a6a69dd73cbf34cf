package dev.brink.edge.hub.store;

import dev.brink.infra.sqlite.ManyRows;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writer's many-rows-per-statement forms ({@link ManyRows}): the message and entry rows of a group's appends,
 * collected by {@link #add} and inserted together ({@link #flush}); removals of many entries of one endpoint, and of
 * the messages they leave without references, {@link ManyRows#MAX_ROWS} to a statement. Measured need: one
 * statement step per row was most of the store writer's time at 1,000 routed messages in flight (every message
 * is written and removed there), as it was for the hub's events log. Writer thread only.
 */
final class RowBatches {
    private static final String[] INSERT_MESSAGES = ManyRows.texts(
            n -> ManyRows.values(StoreSchema.INSERT_MESSAGE, "(?, ?, ?, ?, ?, ?)", n));
    private static final String[] INSERT_ENTRIES = ManyRows.texts(
            n -> ManyRows.values(StoreSchema.INSERT_ENTRY, "(?, ?, ?, ?, ?)", n));
    // The removals must find their rows by id (rowid), never through the queue index: with "endpoint = ?" SQLite
    // chose entries_queue and walked the whole queue for every statement (a 1,000,000-entry upstream drain slowed
    // to a crawl); the unary + keeps the endpoint check off the index. RowBatchesTest checks the plans.
    static final String[] TAKE_ENTRIES = ManyRows.texts(n -> "DELETE FROM entries WHERE id IN ("
            + ManyRows.placeholders(n) + ") AND +endpoint = ? RETURNING id, priority, message_id");
    static final String[] DELETE_UNREFERENCED = ManyRows.texts(n -> "DELETE FROM messages WHERE id IN ("
            + ManyRows.placeholders(n) + ") AND refs <= 1 RETURNING id, size");
    static final String[] DEREF_MESSAGES = ManyRows.texts(n -> "UPDATE messages SET refs = refs - 1 WHERE id IN ("
            + ManyRows.placeholders(n) + ")");

    /** One message to insert with the number of its entries that are written ({@code refs}). */
    private record MessageRow(StoreWriter.Append append, int refs) {
    }

    /** One entry to insert. */
    private record EntryRow(QueueTails.Entry entry, long messageId) {
    }

    /** An entry {@link #takeEntries} deleted. */
    record Taken(long id, int priority, long messageId) {
    }

    private final SqlSession session;
    private final List<MessageRow> messages = new ArrayList<>();
    private final List<EntryRow> entries = new ArrayList<>();

    RowBatches(SqlSession session) {
        this.session = session;
    }

    /** Queues the rows of one append: its message, referenced by the {@code live} entries (not empty). */
    void add(StoreWriter.Append append, List<QueueTails.Entry> live) {
        messages.add(new MessageRow(append, live.size()));
        for (QueueTails.Entry e : live) {
            entries.add(new EntryRow(e, append.messageId()));
        }
    }

    /** Inserts every queued row (messages first: entries refer to them). */
    void flush() throws SQLException {
        try {
            for (List<MessageRow> chunk : ManyRows.chunks(messages)) {
                PreparedStatement insert = session.prepare(INSERT_MESSAGES[chunk.size() - 1]);
                int p = 1;
                for (MessageRow m : chunk) {
                    insert.setLong(p++, m.append().messageId());
                    insert.setLong(p++, m.append().enqueuedNanos());
                    insert.setInt(p++, m.refs());
                    insert.setLong(p++, m.append().messageBytes());
                    insert.setString(p++, m.append().properties());
                    insert.setBytes(p++, m.append().body());
                }
                insert.executeUpdate();
            }
            for (List<EntryRow> chunk : ManyRows.chunks(entries)) {
                PreparedStatement insert = session.prepare(INSERT_ENTRIES[chunk.size() - 1]);
                int p = 1;
                for (EntryRow r : chunk) {
                    insert.setLong(p++, r.entry().id());
                    insert.setString(p++, r.entry().endpoint());
                    insert.setInt(p++, r.entry().priority());
                    insert.setLong(p++, r.messageId());
                    insert.setLong(p++, r.entry().expiresMs());
                }
                insert.executeUpdate();
            }
        } finally {
            clear();
        }
    }

    /** Forgets queued rows (a new group began, or the group rolled back). */
    void clear() {
        messages.clear();
        entries.clear();
    }

    /** Deletes those of {@code ids} that are entries of {@code endpoint}; returns what was deleted. */
    List<Taken> takeEntries(String endpoint, List<Long> ids) throws SQLException {
        List<Taken> taken = new ArrayList<>(ids.size());
        for (List<Long> chunk : ManyRows.chunks(ids)) {
            PreparedStatement delete = session.prepare(TAKE_ENTRIES[chunk.size() - 1]);
            bindIds(delete, chunk);
            delete.setString(chunk.size() + 1, endpoint);
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) {
                    taken.add(new Taken(rs.getLong(1), rs.getInt(2), rs.getLong(3)));
                }
            }
        }
        return taken;
    }

    /**
     * Each of {@code messageIds} (distinct) loses one reference: those with their last one are deleted, the others
     * counted down. Returns the deleted messages' share of the disk bound.
     */
    long release(List<Long> messageIds) throws SQLException {
        long freedBytes = 0;
        for (List<Long> chunk : ManyRows.chunks(messageIds)) {
            PreparedStatement delete = session.prepare(DELETE_UNREFERENCED[chunk.size() - 1]);
            bindIds(delete, chunk);
            Set<Long> gone = new HashSet<>();
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) {
                    gone.add(rs.getLong(1));
                    freedBytes += rs.getLong(2);
                }
            }
            if (gone.size() < chunk.size()) {
                List<Long> shared = chunk.stream().filter(id -> !gone.contains(id)).toList();
                PreparedStatement deref = session.prepare(DEREF_MESSAGES[shared.size() - 1]);
                bindIds(deref, shared);
                deref.executeUpdate();
            }
        }
        return freedBytes;
    }

    private static void bindIds(PreparedStatement ps, List<Long> ids) throws SQLException {
        int p = 1;
        for (long id : ids) {
            ps.setLong(p++, id);
        }
    }
}
