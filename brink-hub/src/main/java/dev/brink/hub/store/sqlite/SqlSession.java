package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection with its prepared statements cached by SQL text. Used by one thread at a time
 * (the writer, or a reader that borrowed it from the pool), so the cache needs no locking. Transactions
 * are driven with explicit BEGIN/COMMIT statements; the connection stays in JDBC auto-commit mode so the
 * driver never issues a BEGIN of its own.
 */
final class SqlSession implements AutoCloseable {
    /** Page cache per connection; mmap lets all connections share the OS page cache for the database file. */
    private static final int CACHE_KIB = 16 * 1024;
    private static final long MMAP_BYTES = 1L << 30;
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final int BACKSTOP_CHECKPOINT_PAGES = 50_000;
    private static final long WAL_SIZE_LIMIT_BYTES = 64L << 20;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Statement plain;
    private final SqliteStoreView view;

    private SqlSession(Connection connection, boolean writable) throws SQLException {
        this.connection = connection;
        this.plain = connection.createStatement();
        this.view = new SqliteStoreView(this, writable);
    }

    /** The read-write connection of the writer: WAL, synchronous=FULL (a commit is synced before it returns). */
    static SqlSession openWriter(String url) throws SQLException {
        SqlSession session = openReadWrite(url);
        session.pragma("journal_mode", "WAL", "wal");
        // Checkpoints normally run on the WalCheckpointer's connection; this is only a backstop.
        session.pragma("wal_autocheckpoint", Integer.toString(BACKSTOP_CHECKPOINT_PAGES), null);
        session.pragma("journal_size_limit", Long.toString(WAL_SIZE_LIMIT_BYTES), null);
        return session;
    }

    /** A second read-write connection that only runs checkpoints. */
    static SqlSession openCheckpointer(String url) throws SQLException {
        SqlSession session = openReadWrite(url);
        session.pragma("wal_autocheckpoint", "0", null);
        return session;
    }

    private static SqlSession openReadWrite(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        SqlSession session = new SqlSession(config.createConnection(url), true);
        session.pragma("synchronous", "FULL", null);
        session.pragma("foreign_keys", "ON", null);
        session.pragma("temp_store", "MEMORY", null);
        session.commonPragmas();
        return session;
    }

    /** A read-only connection: a WAL reader that never blocks the writer nor is blocked by it. */
    static SqlSession openReader(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        SqlSession session = new SqlSession(config.createConnection(url), false);
        session.commonPragmas();
        return session;
    }

    private void commonPragmas() throws SQLException {
        pragma("cache_size", Integer.toString(-CACHE_KIB), null);
        pragma("mmap_size", Long.toString(MMAP_BYTES), null);
    }

    private void pragma(String name, String value, String expected) throws SQLException {
        boolean hasRows = plain.execute("PRAGMA " + name + " = " + value);
        try (ResultSet rs = hasRows ? plain.getResultSet() : null) {
            if (expected != null && (rs == null || !rs.next() || !expected.equalsIgnoreCase(rs.getString(1)))) {
                throw new SQLException("PRAGMA " + name + " = " + value + " was not applied");
            }
        }
    }

    SqliteStoreView view() {
        return view;
    }

    Connection connection() {
        return connection;
    }

    /** A cached prepared statement; callers must close every ResultSet before returning. */
    PreparedStatement prepare(String sql) {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            try {
                ps = connection.prepareStatement(sql);
            } catch (SQLException e) {
                throw failure("prepare", e);
            }
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Runs a one-off statement (DDL) without caching it. */
    void exec(String sql) throws SQLException {
        plain.execute(sql);
    }

    /** Runs a frequent statement without results (BEGIN, COMMIT, SAVEPOINT ...) through the cache. */
    void run(String sql) throws SQLException {
        prepare(sql).execute();
    }

    static BrinkException failure(String what, SQLException e) {
        return new BrinkException(ErrorCode.ServerError, "Storage failure (" + what + "): " + e.getMessage(), e);
    }

    @Override
    public void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
        try {
            plain.close();
            connection.close();
        } catch (SQLException ignored) {
            // nothing useful to do on close
        }
    }
}
