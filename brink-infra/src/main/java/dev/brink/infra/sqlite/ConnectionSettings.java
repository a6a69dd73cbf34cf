package dev.brink.infra.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/**
 * How connections to one SQLite file are opened. Every read-write connection runs {@code synchronous=FULL}
 * (a commit is synced before it returns) and every writer puts the file in WAL mode, so readers and the
 * writer never wait for each other. The tuning knobs are 0 / false for "SQLite's default".
 *
 * @param busyTimeoutMs          how long a connection waits for a lock held by another connection
 * @param cacheKib               page cache per connection (0: default)
 * @param mmapBytes              memory-mapped I/O, shared OS page cache for all connections (0: default)
 * @param backstopCheckpointPages the writer's wal_autocheckpoint when a {@link WalCheckpointer} does the work (0: default)
 * @param walSizeLimitBytes      journal_size_limit: the WAL is truncated to this after a checkpoint (0: default)
 * @param foreignKeys            enforce foreign keys on read-write connections
 * @param tempStoreMemory        temporary tables and indexes in memory on read-write connections
 */
public record ConnectionSettings(int busyTimeoutMs, int cacheKib, long mmapBytes, int backstopCheckpointPages,
        long walSizeLimitBytes, boolean foreignKeys, boolean tempStoreMemory) {

    /** For a busy store with a {@link WalCheckpointer} and a {@link ReaderPool} (the hub store). */
    public static final ConnectionSettings TUNED = new ConnectionSettings(10_000, 16 * 1024, 1L << 30, 50_000,
            64L << 20, true, true);

    /** WAL and synchronous=FULL, nothing else tuned: for small files with one or two connections. */
    public static ConnectionSettings durable(int busyTimeoutMs) {
        return new ConnectionSettings(busyTimeoutMs, 0, 0, 0, 0, false, false);
    }

    public static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /** The read-write connection of the writer: WAL (checked), synchronous=FULL. */
    public SqlSession openWriter(String url) throws SQLException {
        return configure(openReadWrite(url), session -> {
            session.pragma("journal_mode", "WAL", "wal");
            if (backstopCheckpointPages > 0) {
                // Checkpoints normally run on the WalCheckpointer's connection; this is only a backstop.
                session.pragma("wal_autocheckpoint", Integer.toString(backstopCheckpointPages), null);
            }
            if (walSizeLimitBytes > 0) {
                session.pragma("journal_size_limit", Long.toString(walSizeLimitBytes), null);
            }
        });
    }

    /** A second read-write connection that only runs checkpoints (its own autocheckpoint is off). */
    public SqlSession openCheckpointer(String url) throws SQLException {
        return configure(openReadWrite(url), session -> session.pragma("wal_autocheckpoint", "0", null));
    }

    /** A read-write connection with synchronous=FULL that leaves the journal mode alone (e.g. for maintenance). */
    public SqlSession openReadWrite(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMs);
        return configure(new SqlSession(config.createConnection(url)), session -> {
            session.pragma("synchronous", "FULL", null);
            if (foreignKeys) {
                session.pragma("foreign_keys", "ON", null);
            }
            if (tempStoreMemory) {
                session.pragma("temp_store", "MEMORY", null);
            }
            cachePragmas(session);
        });
    }

    /** A read-only connection: a WAL reader that never blocks the writer nor is blocked by it. */
    public SqlSession openReader(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(busyTimeoutMs);
        return configure(new SqlSession(config.createConnection(url)), this::cachePragmas);
    }

    private void cachePragmas(SqlSession session) throws SQLException {
        if (cacheKib > 0) {
            session.pragma("cache_size", Integer.toString(-cacheKib), null);
        }
        if (mmapBytes > 0) {
            session.pragma("mmap_size", Long.toString(mmapBytes), null);
        }
    }

    private interface Pragmas {
        void apply(SqlSession session) throws SQLException;
    }

    /** Applies the pragmas; a connection that fails them is closed, never leaked. */
    private static SqlSession configure(SqlSession session, Pragmas pragmas) throws SQLException {
        try {
            pragmas.apply(session);
            return session;
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }
}
