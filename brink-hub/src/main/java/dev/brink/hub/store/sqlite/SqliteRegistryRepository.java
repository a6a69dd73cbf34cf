package dev.brink.hub.store.sqlite;

import static dev.brink.hub.store.sqlite.SqliteStoreView.column;
import static dev.brink.hub.store.sqlite.SqliteStoreView.moduleOf;

import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.RegistryRepository;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Identities in the {@code identities} table; one row per device (module_id '') or module. */
final class SqliteRegistryRepository implements RegistryRepository {
    private static final String FIND = "SELECT doc FROM identities WHERE device_id = ? AND module_id = ?";
    private static final String LIST_DEVICES = "SELECT device_id, doc FROM identities"
            + " WHERE module_id = '' AND device_id > ? ORDER BY device_id LIMIT ?";
    private static final String LIST_MODULES = "SELECT module_id, doc FROM identities"
            + " WHERE device_id = ? AND module_id <> '' ORDER BY module_id";
    private static final String UPSERT = "INSERT INTO identities (device_id, module_id, status, doc) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (device_id, module_id) DO UPDATE SET status = excluded.status, doc = excluded.doc";
    private static final String DELETE_ONE = "DELETE FROM identities WHERE device_id = ? AND module_id = ?";
    private static final String DELETE_MODULES = "DELETE FROM identities WHERE device_id = ? AND module_id <> ''";
    private static final String COUNT_DEVICES = "SELECT COUNT(*) FROM identities WHERE module_id = ''";
    private static final String COUNT_DISABLED = "SELECT COUNT(*) FROM identities WHERE module_id = '' AND status = ?";

    private final SqlSession session;
    private final boolean writable;

    SqliteRegistryRepository(SqlSession session, boolean writable) {
        this.session = session;
        this.writable = writable;
    }

    @Override
    public Optional<Identity> find(IdentityKey key) {
        try {
            PreparedStatement ps = session.prepare(FIND);
            ps.setString(1, key.deviceId());
            ps.setString(2, column(key.moduleId()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(IdentityJson.fromJson(key, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlSession.failure("find identity", e);
        }
    }

    @Override
    public List<Identity> listDevices(String afterDeviceId, int limit) {
        try {
            PreparedStatement ps = session.prepare(LIST_DEVICES);
            // Every device id sorts after '' (ids are never empty), so '' means "from the start".
            ps.setString(1, afterDeviceId == null ? "" : afterDeviceId);
            ps.setInt(2, limit);
            List<Identity> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(IdentityJson.fromJson(IdentityKey.device(rs.getString(1)), rs.getString(2)));
                }
            }
            return result;
        } catch (SQLException e) {
            throw SqlSession.failure("list devices", e);
        }
    }

    @Override
    public List<Identity> listModules(String deviceId) {
        try {
            PreparedStatement ps = session.prepare(LIST_MODULES);
            ps.setString(1, deviceId);
            List<Identity> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(IdentityJson.fromJson(IdentityKey.module(deviceId, rs.getString(1)), rs.getString(2)));
                }
            }
            return result;
        } catch (SQLException e) {
            throw SqlSession.failure("list modules", e);
        }
    }

    @Override
    public void put(Identity identity) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(UPSERT);
            ps.setString(1, identity.key().deviceId());
            ps.setString(2, column(identity.key().moduleId()));
            ps.setString(3, identity.enabled() ? Identity.ENABLED : Identity.DISABLED);
            ps.setString(4, IdentityJson.toJson(identity));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("put identity", e);
        }
    }

    @Override
    public boolean delete(IdentityKey key) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(DELETE_ONE);
            ps.setString(1, key.deviceId());
            ps.setString(2, column(key.moduleId()));
            boolean existed = ps.executeUpdate() > 0;
            if (!key.isModule()) {
                PreparedStatement modules = session.prepare(DELETE_MODULES);
                modules.setString(1, key.deviceId());
                modules.executeUpdate();
            }
            return existed;
        } catch (SQLException e) {
            throw SqlSession.failure("delete identity", e);
        }
    }

    @Override
    public DeviceCounts countDevices() {
        // Two index counts rather than GROUP BY status, which sorts all devices in a temporary b-tree.
        try {
            long total;
            try (ResultSet rs = session.prepare(COUNT_DEVICES).executeQuery()) {
                total = rs.next() ? rs.getLong(1) : 0;
            }
            PreparedStatement ps = session.prepare(COUNT_DISABLED);
            ps.setString(1, Identity.DISABLED);
            long disabled;
            try (ResultSet rs = ps.executeQuery()) {
                disabled = rs.next() ? rs.getLong(1) : 0;
            }
            return new DeviceCounts(total, total - disabled, disabled);
        } catch (SQLException e) {
            throw SqlSession.failure("count devices", e);
        }
    }

    static IdentityKey keyOf(String deviceId, String moduleColumn) {
        return new IdentityKey(deviceId, moduleOf(moduleColumn));
    }
}
