package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The schema, as an ordered list of migration steps applied at open. The {@code schema_version} table
 * records each applied step; a step runs in its own transaction together with its version row, so a
 * crash mid-migration leaves the previous version intact.
 *
 * <p>To change the schema, append a step with the next version number; never edit a released step
 * (databases that already applied it would not see the change). Keep the SQL portable: plain tables,
 * indexes and standard types, so that the PostgreSQL store can mirror each step.
 */
final class SchemaMigrations {

    record Migration(int version, String description, List<String> statements) {
    }

    static final List<Migration> STEPS = List.of(
            new Migration(1, "identities and twins", List.of(
                    // module_id is '' for the device itself, so (device_id, module_id) is a plain primary key.
                    // doc holds the identity as JSON (see IdentityJson); status is a column for counts.
                    """
                    CREATE TABLE identities (
                        device_id TEXT NOT NULL,
                        module_id TEXT NOT NULL,
                        status    TEXT NOT NULL,
                        doc       TEXT NOT NULL,
                        PRIMARY KEY (device_id, module_id))""",
                    // listDevices: module_id = '' in device_id order, without skipping over modules.
                    "CREATE INDEX identities_devices ON identities (module_id, device_id)",
                    // countDevices: a count over this small index, and a short range for the disabled ones.
                    "CREATE INDEX identities_status ON identities (module_id, status)",
                    """
                    CREATE TABLE twins (
                        device_id TEXT   NOT NULL,
                        module_id TEXT   NOT NULL,
                        version   BIGINT NOT NULL,
                        doc       TEXT   NOT NULL,
                        PRIMARY KEY (device_id, module_id))""")),
            // Device endpoint (issue 3): subscriptions of persistent MQTT sessions, by client id {d} or {d}/{m}.
            new Migration(2, "mqtt session subscriptions", List.of(
                    """
                    CREATE TABLE mqtt_subscriptions (
                        client_id    TEXT    NOT NULL,
                        topic_filter TEXT    NOT NULL,
                        qos          INTEGER NOT NULL,
                        PRIMARY KEY (client_id, topic_filter))""")));

    private SchemaMigrations() {
    }

    /** Applies every step newer than the database's version; returns the resulting version. */
    static int migrate(SqlSession session, List<Migration> steps) throws SQLException {
        session.exec("CREATE TABLE IF NOT EXISTS schema_version ("
                + "version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        int current = currentVersion(session);
        int latest = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).version();
        if (current > latest) {
            throw new BrinkException(ErrorCode.ServerError, "Database schema version " + current
                    + " is newer than this program understands (" + latest + ")");
        }
        for (Migration step : steps) {
            if (step.version() > current) {
                apply(session, step);
                current = step.version();
            }
        }
        return current;
    }

    static int currentVersion(SqlSession session) throws SQLException {
        try (ResultSet rs = session.prepare("SELECT MAX(version) FROM schema_version").executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void apply(SqlSession session, Migration step) throws SQLException {
        session.exec("BEGIN IMMEDIATE");
        try {
            for (String sql : step.statements()) {
                session.exec(sql);
            }
            var insert = session.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
            insert.setInt(1, step.version());
            insert.setString(2, step.description());
            insert.setString(3, Instant.now().toString());
            insert.executeUpdate();
            session.exec("COMMIT");
        } catch (SQLException | RuntimeException e) {
            session.exec("ROLLBACK");
            throw e;
        }
    }
}
