package dev.brink.infra.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Applies an ordered list of {@link Migration}s at open. Each step runs in its own transaction together
 * with the record of its version, so a crash mid-migration leaves the previous version intact. A database
 * newer than the program refuses to open.
 *
 * <p>The version lives in a {@code schema_version (version, description, applied_at)} table
 * ({@link #migrate}); files that have always counted their steps in {@code PRAGMA user_version} keep doing so
 * ({@link #migrateUserVersion}), so existing files open unchanged.
 */
public final class SchemaMigrations {
    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS schema_version ("
            + "version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

    private SchemaMigrations() {
    }

    /** Where the applied version is kept. */
    private interface VersionRecord {
        int current() throws SQLException;

        void record(Migration step) throws SQLException;
    }

    /** Applies every step newer than the {@code schema_version} table says; returns the resulting version. */
    public static int migrate(SqlSession session, List<Migration> steps) throws SQLException {
        session.exec(CREATE_TABLE);
        return migrate(session, steps, new VersionRecord() {
            @Override
            public int current() throws SQLException {
                return currentVersion(session);
            }

            @Override
            public void record(Migration step) throws SQLException {
                PreparedStatement insert = session.prepare(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
                insert.setInt(1, step.version());
                insert.setString(2, step.description());
                insert.setString(3, Instant.now().toString());
                insert.executeUpdate();
            }
        });
    }

    /** Applies every step newer than {@code PRAGMA user_version}; returns the resulting version. */
    public static int migrateUserVersion(SqlSession session, List<Migration> steps) throws SQLException {
        return migrate(session, steps, new VersionRecord() {
            @Override
            public int current() throws SQLException {
                try (Statement st = session.connection().createStatement();
                     ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }

            @Override
            public void record(Migration step) throws SQLException {
                session.exec("PRAGMA user_version = " + step.version());
            }
        });
    }

    /** The current version in the {@code schema_version} table (0 when there is none yet). */
    public static int currentVersion(SqlSession session) throws SQLException {
        try (ResultSet rs = session.prepare("SELECT MAX(version) FROM schema_version").executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static int migrate(SqlSession session, List<Migration> steps, VersionRecord versions)
            throws SQLException {
        int current = versions.current();
        int latest = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).version();
        if (current > latest) {
            throw new BrinkException(ErrorCode.ServerError, "Database schema version " + current
                    + " is newer than this program understands (" + latest + ")");
        }
        for (Migration step : steps) {
            if (step.version() > current) {
                session.inTransaction(() -> {
                    for (String sql : step.statements()) {
                        session.exec(sql);
                    }
                    versions.record(step);
                    return null;
                });
                current = step.version();
            }
        }
        return current;
    }
}
