package dev.brink.hub.c2d.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import dev.brink.core.message.MessagePropertiesJson;
import dev.brink.core.message.PropertyBag;
import dev.brink.hub.c2d.CloudToDeviceStore;
import dev.brink.hub.c2d.StoredC2d;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.SqlSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The C2D queues in their own SQLite file ({@code c2d.db}, WAL, {@code synchronous=FULL}): one table, one row per
 * message, ordered by an AUTOINCREMENT sequence (never reused, so a completed message's id cannot come back).
 * C2D traffic is small (IoT Hub allows 50 messages per device and throttles sends), so one connection and one
 * synchronous transaction per operation is enough; a separate file keeps it off the hub store's writer.
 */
public final class SqliteCloudToDeviceStore implements CloudToDeviceStore {
    public static final String FILE_NAME = "c2d.db";
    private static final String LIVE = "device_id = ? AND expiry_ms > ? AND delivery_count < ?";
    private static final String COLUMNS = "seq, device_id, message, body, enqueued_ms, expiry_ms, delivery_count";

    private final SqlSession session;
    private final Connection connection;

    private SqliteCloudToDeviceStore(SqlSession session) {
        this.session = session;
        this.connection = session.connection();
    }

    /** Opens (creating if needed) the queue file. */
    public static SqliteCloudToDeviceStore open(Path file) {
        Path absolute = file.toAbsolutePath();
        SqlSession session = null;
        try {
            Files.createDirectories(absolute.getParent());
            session = ConnectionSettings.durable(10_000).openWriter(ConnectionSettings.url(absolute));
            session.exec("""
                    CREATE TABLE IF NOT EXISTS c2d_messages (
                        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
                        device_id      TEXT    NOT NULL,
                        message        TEXT    NOT NULL,
                        body           BLOB    NOT NULL,
                        enqueued_ms    INTEGER NOT NULL,
                        expiry_ms      INTEGER NOT NULL,
                        delivery_count INTEGER NOT NULL)""");
            session.exec("CREATE INDEX IF NOT EXISTS c2d_by_device ON c2d_messages (device_id, seq)");
            session.exec("CREATE INDEX IF NOT EXISTS c2d_by_expiry ON c2d_messages (expiry_ms)");
            return new SqliteCloudToDeviceStore(session);
        } catch (SQLException | IOException e) {
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the C2D queue " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized StoredC2d enqueue(String deviceId, Message message, Instant enqueuedTime, Instant expiryTime,
            int maxDepth, int maxDeliveries) {
        try {
            return session.inTransaction(() -> {
                if (depth(deviceId, enqueuedTime, maxDeliveries) >= maxDepth) {
                    return null;
                }
                try (PreparedStatement ps = connection.prepareStatement("INSERT INTO c2d_messages (device_id,"
                        + " message, body, enqueued_ms, expiry_ms, delivery_count) VALUES (?, ?, ?, ?, ?, 0)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, deviceId);
                    ps.setString(2, propertiesJson(message));
                    ps.setBytes(3, message.body());
                    ps.setLong(4, enqueuedTime.toEpochMilli());
                    ps.setLong(5, expiryTime.toEpochMilli());
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        return new StoredC2d(keys.getLong(1), deviceId, message, enqueuedTime, expiryTime, 0);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("enqueue", e);
        }
    }

    @Override
    public synchronized List<StoredC2d> pending(String deviceId, Instant now, int maxDeliveries, int limit) {
        List<StoredC2d> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM c2d_messages WHERE "
                + LIVE + " ORDER BY seq LIMIT ?")) {
            bindLive(ps, deviceId, now, maxDeliveries);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(row(rs));
                }
            }
            return result;
        } catch (SQLException e) {
            throw failure("read pending", e);
        }
    }

    @Override
    public synchronized boolean complete(String deviceId, long sequence) {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM c2d_messages WHERE device_id = ? AND seq = ?")) {
            ps.setString(1, deviceId);
            ps.setLong(2, sequence);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failure("complete", e);
        }
    }

    @Override
    public synchronized int recordDelivery(String deviceId, long sequence) {
        try (PreparedStatement update = connection.prepareStatement("UPDATE c2d_messages SET delivery_count ="
                + " delivery_count + 1 WHERE device_id = ? AND seq = ?");
             PreparedStatement read = connection.prepareStatement(
                     "SELECT delivery_count FROM c2d_messages WHERE device_id = ? AND seq = ?")) {
            update.setString(1, deviceId);
            update.setLong(2, sequence);
            if (update.executeUpdate() == 0) {
                return -1;
            }
            read.setString(1, deviceId);
            read.setLong(2, sequence);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        } catch (SQLException e) {
            throw failure("count a delivery", e);
        }
    }

    @Override
    public synchronized int depth(String deviceId, Instant now, int maxDeliveries) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM c2d_messages WHERE " + LIVE)) {
            bindLive(ps, deviceId, now, maxDeliveries);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw failure("count", e);
        }
    }

    @Override
    public synchronized Map<String, Integer> purge(Instant now, int maxDeliveries) {
        String where = " FROM c2d_messages WHERE expiry_ms <= ? OR delivery_count >= ?";
        try {
            return session.inTransaction(() -> {
                Map<String, Integer> purged = new HashMap<>();
                try (PreparedStatement count = connection.prepareStatement(
                        "SELECT device_id, COUNT(*)" + where + " GROUP BY device_id");
                     PreparedStatement delete = connection.prepareStatement("DELETE" + where)) {
                    for (PreparedStatement ps : List.of(count, delete)) {
                        ps.setLong(1, now.toEpochMilli());
                        ps.setInt(2, maxDeliveries);
                    }
                    try (ResultSet rs = count.executeQuery()) {
                        while (rs.next()) {
                            purged.put(rs.getString(1), rs.getInt(2));
                        }
                    }
                    if (!purged.isEmpty()) {
                        delete.executeUpdate();
                    }
                }
                return purged;
            });
        } catch (SQLException e) {
            throw failure("purge", e);
        }
    }

    @Override
    public synchronized int purgeDevice(String deviceId) {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM c2d_messages WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("purge device", e);
        }
    }

    @Override
    public synchronized void close() {
        session.close();
    }

    // ---- internals ----

    private static void bindLive(PreparedStatement ps, String deviceId, Instant now, int maxDeliveries)
            throws SQLException {
        ps.setString(1, deviceId);
        ps.setLong(2, now.toEpochMilli());
        ps.setInt(3, maxDeliveries);
    }

    private static StoredC2d row(ResultSet rs) throws SQLException {
        Message message = message(rs.getString(3), rs.getBytes(4));
        return new StoredC2d(rs.getLong(1), rs.getString(2), message, Instant.ofEpochMilli(rs.getLong(5)),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7));
    }

    /** {@code {"system":{"$.mid":..},"app":{..}}}: wire names, so PropertyBag restores exactly what was sent. */
    static String propertiesJson(Message message) {
        return MessagePropertiesJson.write(message);
    }

    static Message message(String propertiesJson, byte[] body) {
        return MessagePropertiesJson.read(propertiesJson).body(body).build();
    }

    private static BrinkException failure(String what, SQLException e) {
        return new BrinkException(ErrorCode.ServerError, "C2D queue storage failure (" + what + "): "
                + e.getMessage(), e);
    }
}
