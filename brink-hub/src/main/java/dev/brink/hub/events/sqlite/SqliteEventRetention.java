package dev.brink.hub.events.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.events.EventRetention;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.SqlSession;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * Retention for the {@link SqliteEventLog} file, on a connection of its own (SQLite lets a second connection
 * write between the log's group commits; deletes go in chunks of {@link #CHUNK} so an append waits at most
 * one short transaction).
 *
 * <p>Size is measured as the pages in use ({@code (page_count - freelist_count) * page_size}): freed pages are
 * reused by later appends, so the file stops growing once the limit is reached, without a VACUUM. The number
 * of events to delete is estimated from the average event size.
 *
 * <p><b>The newest event is never deleted</b>: the log derives its next offset from the largest stored offset
 * when it opens, so keeping the last one guarantees that offsets never repeat across restarts.
 */
public final class SqliteEventRetention implements EventRetention {
    static final int CHUNK = 10_000;

    private final SqlSession session;
    private final Connection connection;
    private final Limits limits;

    private SqliteEventRetention(SqlSession session, Limits limits) {
        this.session = session;
        this.connection = session.connection();
        this.limits = limits;
    }

    /** Opens a retention connection on an events file that {@link SqliteEventLog#open} has already created. */
    public static SqliteEventRetention open(Path file, Limits limits) {
        try {
            return new SqliteEventRetention(SqliteEventLog.SETTINGS.openReadWrite(ConnectionSettings.url(file)), limits);
        } catch (SQLException e) {
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the events log for retention: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long enforce(Instant now) {
        try {
            return byAge(now) + bySize();
        } catch (SQLException e) {
            throw new BrinkException(ErrorCode.ServerError, "events retention failed: " + e.getMessage(), e);
        }
    }

    private long byAge(Instant now) throws SQLException {
        long cutoff = now.minus(limits.maxAge()).toEpochMilli();
        long[] range = range();
        if (range == null) {
            return 0;
        }
        // Enqueued times grow with offsets, so the scan stops at the first young event: it only reads the old ones.
        long firstYoung;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT event_offset FROM events WHERE enqueued_ms >= ? ORDER BY event_offset LIMIT 1")) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                firstYoung = rs.next() ? rs.getLong(1) : range[1];
            }
        }
        return deleteBefore(Math.min(firstYoung, range[1]));
    }

    private long bySize() throws SQLException {
        long deleted = 0;
        for (int round = 0; round < 100; round++) {
            long used = usedBytes();
            long[] range = range();
            if (used <= limits.maxBytes() || range == null || range[0] >= range[1]) {
                return deleted;
            }
            long count = range[1] - range[0] + 1;
            double perEvent = (double) used / count;
            long excess = (long) Math.ceil((used - limits.maxBytes()) / perEvent);
            long n = deleteBefore(Math.min(range[0] + Math.max(1, excess), range[1]));
            if (n == 0) {
                return deleted;
            }
            deleted += n;
        }
        return deleted;
    }

    /** Deletes events with offset below {@code end}, in chunks; returns how many. */
    private long deleteBefore(long end) throws SQLException {
        long deleted = 0;
        while (true) {
            long[] range = range();
            if (range == null || range[0] >= end) {
                return deleted;
            }
            long chunkEnd = Math.min(end, range[0] + CHUNK);
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM events WHERE event_offset < ?")) {
                ps.setLong(1, chunkEnd);
                deleted += ps.executeUpdate();
            }
        }
    }

    /** {min, max} offset, or null when the log is empty. */
    private long[] range() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(event_offset), MAX(event_offset) FROM events")) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
        }
    }

    private long usedBytes() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT (p.page_count - f.freelist_count) * s.page_size"
                     + " FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public synchronized void close() {
        session.close();
    }
}
