package dev.brink.hub.events.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.events.EventLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.sqlite.SQLiteConfig;

/**
 * The embedded {@link EventLog}: its own SQLite file ({@code events.db}) in WAL mode with
 * {@code synchronous=FULL}, so telemetry never competes with registry and twin writes for the hub
 * store's writer. Appends are grouped by {@link EventBatchWriter}: one transaction and one sync per
 * group, the futures completed only after the commit. Reads use a separate read-only connection.
 */
public final class SqliteEventLog implements EventLog {
    public static final String FILE_NAME = "events.db";
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };
    static final String INSERT = "INSERT INTO events (event_offset, enqueued_ms, device_id, module_id,"
            + " system_props, app_props, body) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT = "SELECT event_offset, enqueued_ms, device_id, module_id, system_props,"
            + " app_props, body FROM events WHERE event_offset >= ? ORDER BY event_offset LIMIT ?";

    private final EventBatchWriter writer;
    private final Connection reader;

    private SqliteEventLog(EventBatchWriter writer, Connection reader) {
        this.writer = writer;
        this.reader = reader;
    }

    /** Opens (creating if needed) the log in {@code file}. */
    public static SqliteEventLog open(Path file) {
        Path absolute = file.toAbsolutePath();
        String url = "jdbc:sqlite:" + absolute;
        Connection writerConnection = null;
        try {
            Files.createDirectories(absolute.getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(10_000);
            writerConnection = config.createConnection(url);
            try (Statement s = writerConnection.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                // The offset is the primary key (the rowid), so appends touch one B-tree, at its end.
                s.execute("""
                        CREATE TABLE IF NOT EXISTS events (
                            event_offset INTEGER PRIMARY KEY,
                            enqueued_ms  INTEGER NOT NULL,
                            device_id    TEXT    NOT NULL,
                            module_id    TEXT,
                            system_props TEXT    NOT NULL,
                            app_props    TEXT    NOT NULL,
                            body         BLOB    NOT NULL)""");
            }
            long next = maxOffset(writerConnection) + 1;
            SQLiteConfig readConfig = new SQLiteConfig();
            readConfig.setReadOnly(true);
            readConfig.setBusyTimeout(10_000);
            Connection readerConnection = readConfig.createConnection(url);
            return new SqliteEventLog(new EventBatchWriter(writerConnection, next), readerConnection);
        } catch (SQLException | IOException e) {
            closeQuietly(writerConnection);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the events log " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    private static long maxOffset(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(event_offset) FROM events")) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? -1 : max;
        }
    }

    @Override
    public CompletableFuture<Long> append(DeviceEvent event) {
        return writer.submit(event);
    }

    @Override
    public synchronized List<DeviceEvent> read(long fromOffset, int max) {
        List<DeviceEvent> events = new ArrayList<>();
        try (PreparedStatement ps = reader.prepareStatement(SELECT)) {
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
    }

    @Override
    public long nextOffset() {
        return writer.nextOffset();
    }

    @Override
    public synchronized void close() {
        writer.close();
        closeQuietly(reader);
    }

    static String toJson(Map<String, String> map) {
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

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
