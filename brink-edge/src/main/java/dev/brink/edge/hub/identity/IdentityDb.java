package dev.brink.edge.hub.identity;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.infra.files.SecureFiles;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.Migration;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WriterOptions;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code identities.db}: the last scope the hub listed, as one table replaced whole by each refresh (one write
 * task, so one transaction: a crash leaves the old scope or the new one, never a mix), plus the time of that
 * sync. The file holds SAS keys: it is created owner-only (0600) before SQLite opens it, and SQLite gives its
 * WAL and shared-memory files the same mode. Writes go through the group-commit writer (synced before the
 * future completes), reads through a reader pool.
 */
final class IdentityDb implements AutoCloseable {
    private static final ConnectionSettings SETTINGS = ConnectionSettings.durable(10_000);
    private static final String CLOSED = "The identity cache is closed";
    private static final List<Migration> MIGRATIONS = List.of(new Migration(1, "scope identities", List.of("""
            CREATE TABLE identities (
                device_id     TEXT    NOT NULL,
                module_id     TEXT    NOT NULL,  -- '' for a device
                generation_id TEXT,
                enabled       INTEGER NOT NULL,
                auth_type     TEXT    NOT NULL,
                primary_key   TEXT,
                secondary_key TEXT,
                iot_edge      INTEGER NOT NULL,
                device_scope  TEXT,
                parent_scopes TEXT    NOT NULL,  -- JSON array
                PRIMARY KEY (device_id, module_id))""",
            "CREATE TABLE sync (id INTEGER PRIMARY KEY CHECK (id = 1), synced_at_ms INTEGER NOT NULL)")));
    private static final String COLUMNS = "device_id, module_id, generation_id, enabled, auth_type, primary_key, "
            + "secondary_key, iot_edge, device_scope, parent_scopes";

    private final GroupCommitWriter<SqlSession> writer;
    private final ReaderPool<SqlSession> readers;

    private IdentityDb(GroupCommitWriter<SqlSession> writer, ReaderPool<SqlSession> readers) {
        this.writer = writer;
        this.readers = readers;
    }

    static IdentityDb open(Path file) {
        Path absolute = file.toAbsolutePath();
        String url = ConnectionSettings.url(absolute);
        SqlSession session = null;
        try {
            SecureFiles.createOwnerOnlyFile(absolute);
            session = SETTINGS.openWriter(url);
            SchemaMigrations.migrate(session, MIGRATIONS);
            GroupCommitWriter<SqlSession> writer = new GroupCommitWriter<>(session, session,
                    new WriterOptions("brink-identities", 16, CLOSED, "identity cache write failed: "));
            return new IdentityDb(writer, new ReaderPool<>(url, SETTINGS, 2, s -> s, CLOSED));
        } catch (SQLException | RuntimeException e) {
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the identity cache " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    /** Replaces the whole scope and records the sync time; completes once durable. */
    CompletableFuture<Void> replaceAll(List<ScopeIdentity> identities, Instant syncedAt) {
        return writer.submit(session -> {
            try {
                session.prepare("DELETE FROM identities").executeUpdate();
                PreparedStatement insert = session.prepare("INSERT OR REPLACE INTO identities (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                for (ScopeIdentity i : identities) {
                    insert.setString(1, i.key().deviceId());
                    insert.setString(2, i.key().isModule() ? i.key().moduleId() : "");
                    insert.setString(3, i.generationId());
                    insert.setInt(4, i.enabled() ? 1 : 0);
                    insert.setString(5, i.authType());
                    insert.setString(6, i.primaryKey());
                    insert.setString(7, i.secondaryKey());
                    insert.setInt(8, i.iotEdge() ? 1 : 0);
                    insert.setString(9, i.deviceScope());
                    insert.setString(10, Json.write(Json.MAPPER.valueToTree(i.parentScopes())));
                    insert.addBatch();
                }
                insert.executeBatch();
                PreparedStatement sync = session.prepare("INSERT OR REPLACE INTO sync (id, synced_at_ms) VALUES (1, ?)");
                sync.setLong(1, syncedAt.toEpochMilli());
                sync.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw SqlSession.failure("replace the scope", e);
            }
        });
    }

    /** The stored scope (empty before the first sync). */
    List<ScopeIdentity> loadAll() {
        return readers.read(session -> {
            List<ScopeIdentity> out = new ArrayList<>();
            try (ResultSet rs = session.prepare("SELECT " + COLUMNS + " FROM identities").executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            } catch (SQLException e) {
                throw SqlSession.failure("read the scope", e);
            }
        });
    }

    /** When the stored scope was fetched, or null if it never was. */
    Instant lastSync() {
        return readers.read(session -> {
            try (ResultSet rs = session.prepare("SELECT synced_at_ms FROM sync WHERE id = 1").executeQuery()) {
                return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
            } catch (SQLException e) {
                throw SqlSession.failure("read the sync time", e);
            }
        });
    }

    private static ScopeIdentity row(ResultSet rs) throws SQLException {
        String moduleId = rs.getString(2);
        IdentityKey key = moduleId.isEmpty() ? IdentityKey.device(rs.getString(1))
                : IdentityKey.module(rs.getString(1), moduleId);
        List<String> parents = new ArrayList<>();
        Json.parse(rs.getString(10)).forEach(n -> parents.add(n.asText()));
        return new ScopeIdentity(key, rs.getString(3), rs.getInt(4) != 0, rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getInt(8) != 0, rs.getString(9), parents);
    }

    @Override
    public void close() {
        writer.close();
        readers.close();
        writer.closeSession();
    }
}
