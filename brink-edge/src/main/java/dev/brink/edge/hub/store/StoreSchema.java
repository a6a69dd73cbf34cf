package dev.brink.edge.hub.store;

import dev.brink.infra.sqlite.Migration;
import java.util.List;

/**
 * The tables of {@code messages.db}. A message is stored once in {@code messages} and referenced by one row per
 * endpoint in {@code entries}; {@code refs} counts those rows so the last removal deletes the body without a scan.
 * See README.md for why each index exists.
 */
final class StoreSchema {
    /** Entries that never expire carry this expiry, and the partial expiry index leaves them out. */
    static final long NEVER = Long.MAX_VALUE;

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "messages and queue entries", List.of(
            """
            CREATE TABLE messages (
                id          INTEGER PRIMARY KEY,
                enqueued_ns INTEGER NOT NULL,
                refs        INTEGER NOT NULL,
                size        INTEGER NOT NULL, -- the row's share of the disk bound (entries count apart)
                props       TEXT    NOT NULL,
                body        BLOB    NOT NULL)""",
            """
            CREATE TABLE entries (
                id         INTEGER PRIMARY KEY,
                endpoint   TEXT    NOT NULL,
                priority   INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL)""",
            // Delivery order: one endpoint's rows by priority, then by id (= arrival; the rowid ends every key).
            "CREATE INDEX entries_queue ON entries (endpoint, priority)",
            // TTL cleanup without a scan; most entries expire in arrival order, so inserts land at its end.
            "CREATE INDEX entries_expiry ON entries (expires_ms) WHERE expires_ms < " + NEVER)));

    static final String INSERT_MESSAGE =
            "INSERT INTO messages (id, enqueued_ns, refs, size, props, body) VALUES (?, ?, ?, ?, ?, ?)";
    static final String INSERT_ENTRY =
            "INSERT INTO entries (id, endpoint, priority, message_id, expires_ms) VALUES (?, ?, ?, ?, ?)";
    /**
     * Deletes one entry of one endpoint if it has expired by the given time (Long.MAX_VALUE: whatever its expiry),
     * returning what the removal needs: one statement where a SELECT then a DELETE took two.
     */
    static final String TAKE_ENTRY = "DELETE FROM entries WHERE id = ? AND endpoint = ? AND expires_ms <= ?"
            + " RETURNING priority, message_id";
    static final String DELETE_ENTRY = "DELETE FROM entries WHERE id = ?";
    /** The message goes with its last reference (the common case: one endpoint), returning its size. */
    static final String DELETE_LAST_REF = "DELETE FROM messages WHERE id = ? AND refs <= 1 RETURNING size";
    static final String DEREF_MESSAGE = "UPDATE messages SET refs = refs - 1 WHERE id = ?";
    static final String OLDEST_ENTRIES = "SELECT id, endpoint, priority, message_id FROM entries ORDER BY id LIMIT 64";
    static final String EXPIRED_ENTRIES = "SELECT id, endpoint, priority, message_id FROM entries"
            + " WHERE expires_ms <= ? AND expires_ms < " + NEVER + " LIMIT 1000";
    /** Keyset paging through one queue in delivery order. */
    static final String PEEK = "SELECT e.id, e.priority, e.expires_ms, m.enqueued_ns, m.props, m.body"
            + " FROM entries e JOIN messages m ON m.id = e.message_id"
            + " WHERE e.endpoint = ? AND (e.priority, e.id) > (?, ?)"
            + " ORDER BY e.priority, e.id LIMIT ?";

    /** A whole queue in delivery order with each entry's share of the bound, to load it back into memory. */
    static final String QUEUE = "SELECT e.id, e.priority, e.expires_ms, m.enqueued_ns, m.props, m.body, m.size"
            + " FROM entries e JOIN messages m ON m.id = e.message_id"
            + " WHERE e.endpoint = ? ORDER BY e.priority, e.id LIMIT ?";

    private StoreSchema() {
    }
}
