package dev.brink.infra.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * One SQLite connection with its prepared statements cached by SQL text. Used by one thread at a time
 * (a writer, or a reader that borrowed it from a pool), so the cache needs no locking. Transactions are
 * driven with explicit BEGIN/COMMIT statements; the connection stays in JDBC auto-commit mode so the
 * driver never issues a BEGIN of its own. Opened by {@link ConnectionSettings}.
 */
public final class SqlSession implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Statement plain;

    SqlSession(Connection connection) throws SQLException {
        this.connection = connection;
        this.plain = connection.createStatement();
    }

    /** Work inside a transaction; may throw SQLException. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run() throws SQLException;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * For a writer that hands out its own ids: sqlite-jdbc otherwise runs a regular expression over the SQL and asks
     * for {@code last_insert_rowid()} after every INSERT (measured: ~6 % of the edge hub's CPU under routed load).
     * Returns this session.
     */
    public SqlSession withoutGeneratedKeys() throws SQLException {
        connection.unwrap(org.sqlite.SQLiteConnection.class).getConnectionConfig().setGetGeneratedKeys(false);
        return this;
    }

    /** A cached prepared statement; callers must close every ResultSet before returning, never the statement. */
    public PreparedStatement prepare(String sql) {
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
    public void exec(String sql) throws SQLException {
        plain.execute(sql);
    }

    /**
     * Runs a frequent statement without results (BEGIN, COMMIT, SAVEPOINT ...) through the cache. A statement
     * that fails is dropped from the cache: sqlite-jdbc leaves it unusable ("statement is not executing") after
     * an error such as "cannot commit", which would otherwise fail every later group of a writer.
     */
    public void run(String sql) throws SQLException {
        PreparedStatement ps = prepare(sql);
        try {
            ps.execute();
        } catch (SQLException e) {
            statements.remove(sql);
            try {
                ps.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction; rolls back and rethrows if it throws. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        exec("BEGIN IMMEDIATE");
        try {
            T result = work.run();
            exec("COMMIT");
            return result;
        } catch (SQLException | RuntimeException e) {
            exec("ROLLBACK");
            throw e;
        }
    }

    /** Sets a pragma; when {@code expected} is not null, fails unless SQLite reports that value back. */
    void pragma(String name, String value, String expected) throws SQLException {
        boolean hasRows = plain.execute("PRAGMA " + name + " = " + value);
        try (ResultSet rs = hasRows ? plain.getResultSet() : null) {
            if (expected != null && (rs == null || !rs.next() || !expected.equalsIgnoreCase(rs.getString(1)))) {
                throw new SQLException("PRAGMA " + name + " = " + value + " was not applied");
            }
        }
    }

    /** The ServerError every storage failure maps to. */
    public static BrinkException failure(String what, SQLException e) {
        return new BrinkException(ErrorCode.ServerError, "Storage failure (" + what + "): " + e.getMessage(), e);
    }

    /** Closes {@code session} if it is not null, ignoring errors (cleanup after a failed open). */
    public static void closeQuietly(SqlSession session) {
        if (session != null) {
            session.close();
        }
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
