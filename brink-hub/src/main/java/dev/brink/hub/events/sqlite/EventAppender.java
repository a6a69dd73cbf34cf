package dev.brink.hub.events.sqlite;

import dev.brink.hub.events.DeviceEvent;
import dev.brink.infra.sqlite.GroupListener;
import dev.brink.infra.sqlite.ManyRows;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The events log's write transaction, bound to the writer's connection: each append takes the next offset.
 * Offsets follow the group commit ({@link GroupListener}): handed out by the tasks of a group, published to
 * {@link #nextOffset()} once the group is durable, and taken back if it rolls back, so they stay dense and
 * a failed group leaves no gap. The rows of a group are collected by the tasks and written together just before
 * the COMMIT ({@link #beforeCommit}), up to {@link ManyRows#MAX_ROWS} per statement: one statement step per row was
 * most of the single writer's time, which every device's telemetry passes through. All but {@link #nextOffset()}
 * run on the writer thread only.
 */
final class EventAppender implements GroupListener {
    /** {@link SqliteEventLog#INSERT} with 1 … {@link ManyRows#MAX_ROWS} value tuples. */
    private static final String[] INSERTS = ManyRows.texts(
            n -> ManyRows.values(SqliteEventLog.INSERT, "(?, ?, ?, ?, ?, ?, ?)", n));

    private record Row(long offset, DeviceEvent event, String systemJson, String applicationJson) {
    }

    private final SqlSession session;
    private final List<Row> rows = new ArrayList<>();
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
     * Takes the next offset for the event, to be written with the rest of its group before the COMMIT. The
     * properties come already encoded ({@link SqliteEventLog#append} encodes them on the caller's thread).
     */
    long append(DeviceEvent e, String systemJson, String applicationJson) {
        long offset = pending++;
        rows.add(new Row(offset, e, systemJson, applicationJson));
        return offset;
    }

    @Override
    public void beforeCommit() {
        try {
            for (List<Row> chunk : ManyRows.chunks(rows)) {
                PreparedStatement insert = session.prepare(INSERTS[chunk.size() - 1]);
                int p = 1;
                for (Row r : chunk) {
                    insert.setLong(p++, r.offset());
                    insert.setLong(p++, r.event().enqueuedTime().toEpochMilli());
                    insert.setString(p++, r.event().deviceId());
                    insert.setString(p++, r.event().moduleId());
                    insert.setString(p++, r.systemJson());
                    insert.setString(p++, r.applicationJson());
                    insert.setBytes(p++, r.event().body());
                }
                insert.executeUpdate();
            }
        } catch (SQLException ex) {
            throw SqlSession.failure("append events", ex);
        } finally {
            rows.clear();
        }
    }

    @Override
    public void begun() {
        rows.clear();
        pending = committed;
    }

    @Override
    public void committed() {
        committed = pending;
    }

    @Override
    public void rolledBack() {
        rows.clear();
        pending = committed;
    }
}
