package dev.brink.hub.events.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.events.EventLog;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WriterOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded {@link EventLog}: its own SQLite file ({@code events.db}) in WAL mode with
 * {@code synchronous=FULL}, so telemetry never competes with registry and twin writes for the hub
 * store's writer. Appends go through a group-commit writer (dev.brink.infra.sqlite) with groups of up to
 * {@link #MAX_GROUP}: one transaction and one sync per group, the futures completed only after the commit,
 * in append order. While one group syncs, the next one queues up, which is what makes 20,000+ durable
 * appends per second possible on a disk that syncs a few thousand times a second. Reads use a separate
 * read-only connection.
 */
public final class SqliteEventLog implements EventLog {
    public static final String FILE_NAME = "events.db";
    static final int MAX_GROUP = 2000;
    static final ConnectionSettings SETTINGS = ConnectionSettings.durable(10_000);
    private static final String CLOSED = "The events log is closed";
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };
    static final String INSERT = "INSERT INTO events (event_offset, enqueued_ms, device_id, module_id,"
            + " system_props, app_props, body) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT = "SELECT event_offset, enqueued_ms, device_id, module_id, system_props,"
            + " app_props, body FROM events WHERE event_offset >= ? ORDER BY event_offset LIMIT ?";

    private final EventAppender appender;
    private final GroupCommitWriter<EventAppender> writer;
    private final ReaderPool<SqlSession> reader;

    private SqliteEventLog(EventAppender appender, GroupCommitWriter<EventAppender> writer,
            ReaderPool<SqlSession> reader) {
        this.appender = appender;
        this.writer = writer;
        this.reader = reader;
    }

    /** Opens (creating if needed) the log in {@code file}. */
    public static SqliteEventLog open(Path file) {
        Path absolute = file.toAbsolutePath();
        String url = ConnectionSettings.url(absolute);
        SqlSession session = null;
        try {
            Files.createDirectories(absolute.getParent());
            session = SETTINGS.openWriter(url).withoutGeneratedKeys(); // offsets come from the appender
            // The offset is the primary key (the rowid), so appends touch one B-tree, at its end.
            session.exec("""
                    CREATE TABLE IF NOT EXISTS events (
                        event_offset INTEGER PRIMARY KEY,
                        enqueued_ms  INTEGER NOT NULL,
                        device_id    TEXT    NOT NULL,
                        module_id    TEXT,
                        system_props TEXT    NOT NULL,
                        app_props    TEXT    NOT NULL,
                        body         BLOB    NOT NULL)""");
            EventAppender appender = new EventAppender(session, maxOffset(session) + 1);
            // Unisolated: an append only fails when the database does, and two statements less per event (no
            // SAVEPOINT/RELEASE) is most of the writer's cost at tens of thousands of events per second. Completed
            // on the writer: the only callbacks are the MQTT head's PUBACK batches (hand-offs to event loops), and
            // one thread hop less per group shortens the PUBACK round trip that bounds a single device's rate.
            var writer = new GroupCommitWriter<>(session, appender,
                    new WriterOptions("brink-events", MAX_GROUP, CLOSED, "events log write failed: ", false)
                            .completingOnWriter(), appender);
            return new SqliteEventLog(appender, writer, new ReaderPool<>(url, SETTINGS, 1, s -> s, CLOSED));
        } catch (SQLException | IOException e) {
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the events log " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    private static long maxOffset(SqlSession session) throws SQLException {
        try (ResultSet rs = session.prepare("SELECT MAX(event_offset) FROM events").executeQuery()) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? -1 : max;
        }
    }

    @Override
    public CompletableFuture<Long> append(DeviceEvent event) {
        // Encoded here, on the caller's thread (an MQTT event loop), not on the writer thread all appends share.
        String system = toJson(event.systemProperties());
        String application = toJson(event.applicationProperties());
        return writer.submit(tx -> tx.append(event, system, application));
    }

    @Override
    public List<DeviceEvent> read(long fromOffset, int max) {
        return reader.read(session -> {
            List<DeviceEvent> events = new ArrayList<>();
            try {
                PreparedStatement ps = session.prepare(SELECT);
                ps.setLong(1, fromOffset);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new DeviceEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), fromJson(rs.getString(5)), fromJson(rs.getString(6)), rs.getBytes(7)));
                    }
                }
                return events;
            } catch (SQLException e) {
                throw new BrinkException(ErrorCode.ServerError, "Cannot read the events log: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public long nextOffset() {
        return appender.nextOffset();
    }

    /** Finishes every append already queued, then closes the connections. Later appends fail with 503. */
    @Override
    public void close() {
        writer.close();
        reader.close();
        writer.closeSession();
    }

    static String toJson(Map<String, String> map) {
        if (map.isEmpty()) {
            return "{}"; // most telemetry has no application properties
        }
        try {
            return Json.MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
