package dev.brink.edge.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.core.json.Json;
import dev.brink.infra.files.SecureFiles;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.Migration;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The edge runtime's local state, one SQLite file in the data dir (WAL, synchronous=FULL): the last good
 * deployment, module identities (id, generation id, managedBy — keys are derived, never stored), identities
 * still to delete in the hub, and the definition each instance was created from. Enough to restart every
 * module after a reboot with the hub unreachable. The file holds registry passwords (in the deployment), so
 * it is owner-only. One connection, synchronized: the agent writes from one thread and rarely.
 */
public final class EdgeStore implements AutoCloseable {
    public static final String FILE_NAME = "edge.db";
    /** Counted in {@code PRAGMA user_version}, as edge.db always has been. */
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "deployment, identities, instances", List.of(
                    """
                    CREATE TABLE deployment (id INTEGER PRIMARY KEY CHECK (id = 1), desired_version INTEGER NOT NULL,
                        desired_json TEXT NOT NULL)""",
                    "CREATE TABLE identities (module_id TEXT PRIMARY KEY, generation_id TEXT NOT NULL, managed_by TEXT)",
                    "CREATE TABLE identity_deletes (module_id TEXT PRIMARY KEY)",
                    "CREATE TABLE instances (name TEXT PRIMARY KEY, definition_json TEXT NOT NULL)")));

    /** A module identity as cached: keys are derived from the device key and the generation id. */
    public record CachedIdentity(String moduleId, String generationId, String managedBy) {
    }

    /** The last good deployment: the desired {@code $version} and the desired JSON it came from. */
    public record StoredDeployment(long desiredVersion, String desiredJson) {
    }

    private final SqlSession session;
    private final Connection conn;

    private EdgeStore(SqlSession session) {
        this.session = session;
        this.conn = session.connection();
    }

    public static EdgeStore open(Path file) {
        SecureFiles.createOwnerOnlyFile(file); // before SQLite creates it with the umask's permissions
        SqlSession session = null;
        try {
            session = ConnectionSettings.durable(5_000).openWriter(ConnectionSettings.url(file));
            SchemaMigrations.migrateUserVersion(session, MIGRATIONS);
            return new EdgeStore(session);
        } catch (SQLException e) {
            SqlSession.closeQuietly(session);
            throw new IllegalStateException("cannot open the edge store " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- deployment

    public synchronized void saveDeployment(long desiredVersion, String desiredJson) {
        update("INSERT INTO deployment (id, desired_version, desired_json) VALUES (1, ?, ?) ON CONFLICT(id) DO "
                + "UPDATE SET desired_version = excluded.desired_version, desired_json = excluded.desired_json",
                desiredVersion, desiredJson);
    }

    public synchronized Optional<StoredDeployment> loadDeployment() {
        return query("SELECT desired_version, desired_json FROM deployment WHERE id = 1", rs -> rs.next()
                ? Optional.of(new StoredDeployment(rs.getLong(1), rs.getString(2))) : Optional.empty());
    }

    // ---- identities

    public synchronized void saveIdentity(CachedIdentity identity) {
        update("INSERT INTO identities (module_id, generation_id, managed_by) VALUES (?, ?, ?) ON CONFLICT(module_id) "
                + "DO UPDATE SET generation_id = excluded.generation_id, managed_by = excluded.managed_by",
                identity.moduleId(), identity.generationId(), identity.managedBy());
        update("DELETE FROM identity_deletes WHERE module_id = ?", identity.moduleId());
    }

    public synchronized Optional<CachedIdentity> findIdentity(String moduleId) {
        return query("SELECT module_id, generation_id, managed_by FROM identities WHERE module_id = ?", rs -> rs.next()
                ? Optional.of(new CachedIdentity(rs.getString(1), rs.getString(2), rs.getString(3)))
                : Optional.empty(), moduleId);
    }

    public synchronized List<CachedIdentity> loadIdentities() {
        return query("SELECT module_id, generation_id, managed_by FROM identities ORDER BY module_id", rs -> {
            List<CachedIdentity> all = new java.util.ArrayList<>();
            while (rs.next()) {
                all.add(new CachedIdentity(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return all;
        });
    }

    /** Forgets the identity locally and remembers to delete it in the hub (done when the hub is reachable). */
    public synchronized void markIdentityForDeletion(String moduleId) {
        update("DELETE FROM identities WHERE module_id = ?", moduleId);
        update("INSERT OR IGNORE INTO identity_deletes (module_id) VALUES (?)", moduleId);
    }

    public synchronized Set<String> identitiesToDelete() {
        return query("SELECT module_id FROM identity_deletes", rs -> {
            Set<String> ids = new TreeSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        });
    }

    public synchronized void identityDeleted(String moduleId) {
        update("DELETE FROM identity_deletes WHERE module_id = ?", moduleId);
    }

    // ---- instances

    public synchronized void saveInstance(ModuleDefinition definition) {
        update("INSERT INTO instances (name, definition_json) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
                + "definition_json = excluded.definition_json", definition.name(), Json.write(definition));
    }

    public synchronized void removeInstance(String name) {
        update("DELETE FROM instances WHERE name = ?", name);
    }

    public synchronized Map<String, ModuleDefinition> loadInstances() {
        return query("SELECT name, definition_json FROM instances ORDER BY name", rs -> {
            Map<String, ModuleDefinition> defs = new LinkedHashMap<>();
            while (rs.next()) {
                defs.put(rs.getString(1), readDefinition(rs.getString(2)));
            }
            return defs;
        });
    }

    private static ModuleDefinition readDefinition(String json) {
        try {
            return Json.MAPPER.readValue(json, ModuleDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt instance record: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        session.close();
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, RowReader<T> reader, Object... args) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("edge store query failed: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("edge store update failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
