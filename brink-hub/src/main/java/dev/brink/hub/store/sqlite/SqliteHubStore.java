package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.store.HubStore;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WalCheckpointer;
import dev.brink.infra.sqlite.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded {@link HubStore}: one SQLite file in WAL mode, one group-committing writer and a pool of
 * read-only connections (dev.brink.infra.sqlite), each bound to its {@link SqliteStoreView}. See README.md.
 */
public final class SqliteHubStore implements HubStore {
    /** Readers beyond the event-loop and worker threads that read at once only queue for a connection. */
    public static final int DEFAULT_READERS = 8;
    /** Tasks per group commit. */
    static final int MAX_GROUP = 500;
    private static final String NAME = "brink-store";
    private static final String CLOSED = "The store is closed";
    private static final ConnectionSettings SETTINGS = ConnectionSettings.TUNED;

    private final GroupCommitWriter<SqliteStoreView> writer;
    private final ReaderPool<SqliteStoreView> readers;
    private final WalCheckpointer checkpointer;

    private SqliteHubStore(GroupCommitWriter<SqliteStoreView> writer, ReaderPool<SqliteStoreView> readers,
            WalCheckpointer checkpointer) {
        this.writer = writer;
        this.readers = readers;
        this.checkpointer = checkpointer;
    }

    /** Opens (creating if needed) the store in {@code file} and brings its schema up to date. */
    public static SqliteHubStore open(Path file) {
        return open(file, DEFAULT_READERS);
    }

    public static SqliteHubStore open(Path file, int readerConnections) {
        Path absolute = file.toAbsolutePath();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServerError, "Cannot create the store directory: " + e.getMessage(), e);
        }
        String url = ConnectionSettings.url(absolute);
        SqlSession session = null;
        SqlSession checkpointSession = null;
        try {
            session = SETTINGS.openWriter(url).withoutGeneratedKeys(); // no writer task asks for generated keys
            SchemaMigrations.migrate(session, HubSchema.STEPS);
            checkpointSession = SETTINGS.openCheckpointer(url);
        } catch (SQLException | RuntimeException e) {
            SqlSession.closeQuietly(session);
            SqlSession.closeQuietly(checkpointSession);
            throw e instanceof SQLException sql ? SqlSession.failure("open " + absolute, sql) : (RuntimeException) e;
        }
        var writer = new GroupCommitWriter<>(session, new SqliteStoreView(session, true),
                new WriterOptions(NAME, MAX_GROUP, CLOSED, "Storage commit failed: "));
        var readers = new ReaderPool<>(url, SETTINGS, readerConnections, s -> new SqliteStoreView(s, false), CLOSED);
        return new SqliteHubStore(writer, readers, new WalCheckpointer(checkpointSession, NAME));
    }

    @Override
    public <T> CompletableFuture<T> write(WriteTask<T> task) {
        return writer.submit(task::run);
    }

    @Override
    public <T> T read(ReadTask<T> task) {
        return readers.read(task::run);
    }

    /** Finishes every write already queued, then closes all connections. Later writes fail with 503. */
    @Override
    public void close() {
        writer.close();
        checkpointer.close();
        readers.close();
        writer.closeSession(); // the last connection to close checkpoints the WAL into the database file
    }
}
