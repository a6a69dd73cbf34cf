package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.infra.sqlite.Migration;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code twins} table of {@code twins.db}, bound to one connection: the writer's transaction view and the
 * readers' view alike. One row per identity; JSON columns hold sections and patches as compact text. A device's
 * {@code module_id} is the empty string (module ids are never empty) so the primary key needs no NULL handling.
 */
final class TwinRows {
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "twin cache and reported outbox", List.of("""
            CREATE TABLE twins (
                device_id     TEXT    NOT NULL,
                module_id     TEXT    NOT NULL,
                desired       TEXT,
                reported      TEXT,
                local_version INTEGER NOT NULL,
                pending       TEXT,
                inflight      TEXT,
                PRIMARY KEY (device_id, module_id))""")));

    private static final String COLUMNS = "device_id, module_id, desired, reported, local_version, pending, inflight";
    private static final String FIND = "SELECT " + COLUMNS + " FROM twins WHERE device_id = ? AND module_id = ?";
    private static final String SAVE = "INSERT OR REPLACE INTO twins (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE = "DELETE FROM twins WHERE device_id = ? AND module_id = ?";
    private static final String ALL = "SELECT device_id, module_id FROM twins ORDER BY device_id, module_id";
    private static final String UNSENT = "SELECT device_id, module_id FROM twins"
            + " WHERE pending IS NOT NULL OR inflight IS NOT NULL ORDER BY device_id, module_id";

    private final SqlSession session;

    TwinRows(SqlSession session) {
        this.session = session;
    }

    /** The identity's row, or null. */
    CachedTwin find(IdentityKey key) {
        try {
            PreparedStatement ps = session.prepare(FIND);
            ps.setString(1, key.deviceId());
            ps.setString(2, moduleColumn(key));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new CachedTwin(key, json(rs.getString(3)), json(rs.getString(4)), rs.getLong(5),
                        json(rs.getString(6)), json(rs.getString(7)));
            }
        } catch (SQLException e) {
            throw SqlSession.failure("read a cached twin", e);
        }
    }

    void save(CachedTwin row) {
        try {
            PreparedStatement ps = session.prepare(SAVE);
            ps.setString(1, row.key().deviceId());
            ps.setString(2, moduleColumn(row.key()));
            ps.setString(3, text(row.desired()));
            ps.setString(4, text(row.reported()));
            ps.setLong(5, row.localVersion());
            ps.setString(6, text(row.pending()));
            ps.setString(7, text(row.inflight()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("store a cached twin", e);
        }
    }

    boolean delete(IdentityKey key) {
        try {
            PreparedStatement ps = session.prepare(DELETE);
            ps.setString(1, key.deviceId());
            ps.setString(2, moduleColumn(key));
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlSession.failure("forget a cached twin", e);
        }
    }

    /** Every identity with a row. */
    List<IdentityKey> all() {
        return keys(ALL);
    }

    /** The identities with reported changes not yet acknowledged by the hub. */
    List<IdentityKey> unsent() {
        return keys(UNSENT);
    }

    private List<IdentityKey> keys(String sql) {
        List<IdentityKey> out = new ArrayList<>();
        try (ResultSet rs = session.prepare(sql).executeQuery()) {
            while (rs.next()) {
                String module = rs.getString(2);
                out.add(new IdentityKey(rs.getString(1), module.isEmpty() ? null : module));
            }
            return out;
        } catch (SQLException e) {
            throw SqlSession.failure("list cached twins", e);
        }
    }

    private static String moduleColumn(IdentityKey key) {
        return key.moduleId() == null ? "" : key.moduleId();
    }

    private static String text(ObjectNode node) {
        return node == null ? null : node.toString();
    }

    private static ObjectNode json(String text) {
        return text == null ? null : Json.parseObject(text);
    }
}
