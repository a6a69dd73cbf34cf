package dev.brink.hub.events.sqlite;

import dev.brink.hub.events.DeviceEvent;
import dev.brink.infra.sqlite.GroupListener;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The events log's write transaction, bound to the writer's connection: each append takes the next offset.
 * Offsets follow the group commit ({@link GroupListener}): handed out by the tasks of a group, published to
 * {@link #nextOffset()} once the group is durable, and taken back if it rolls back, so they stay dense and
 * a failed group leaves no gap. All but {@link #nextOffset()} run on the writer thread only.
 */
final class EventAppender implements GroupListener {
    private final SqlSession session;
    private long pending;
    private volatile long committed;

    EventAppender(SqlSession session, long nextOffset) {
        this.session = session;
        this.pending = nextOffset;
        this.committed = nextOffset;
    }

    /** The offset the next append will get: one past the last durable event. */
    long nextOffset() {
        return committed;
    }

    /**
     * Inserts the event at the next offset and returns that offset; an insert that fails takes none. The
     * properties come already encoded ({@link SqliteEventLog#append} encodes them on the caller's thread), so
     * the single writer thread, which every device's telemetry passes through, only binds and inserts.
     */
    long append(DeviceEvent e, String systemJson, String applicationJson) {
        long offset = pending;
        try {
            PreparedStatement insert = session.prepare(SqliteEventLog.INSERT);
            insert.setLong(1, offset);
            insert.setLong(2, e.enqueuedTime().toEpochMilli());
            insert.setString(3, e.deviceId());
            insert.setString(4, e.moduleId());
            insert.setString(5, systemJson);
            insert.setString(6, applicationJson);
            insert.setBytes(7, e.body());
            insert.executeUpdate();
        } catch (SQLException ex) {
            throw SqlSession.failure("append event", ex);
        }
        pending = offset + 1;
        return offset;
    }

    @Override
    public void begun() {
        pending = committed;
    }

    @Override
    public void committed() {
        committed = pending;
    }

    @Override
    public void rolledBack() {
        pending = committed;
    }
}
