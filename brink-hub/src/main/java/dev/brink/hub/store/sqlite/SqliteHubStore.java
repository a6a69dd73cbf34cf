package dev.brink.hub.store.sqlite;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.store.HubStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded {@link HubStore}: one SQLite file in WAL mode, one group-committing writer
 * ({@link GroupCommitWriter}) and a pool of read-only connections ({@link ReaderPool}). See README.md.
 */
public final class SqliteHubStore implements HubStore {
    /** Readers beyond the event-loop and worker threads that read at once only queue for a connection. */
    public static final int DEFAULT_READERS = 8;

    private final GroupCommitWriter writer;
    private final ReaderPool readers;
    private final WalCheckpointer checkpointer;

    private SqliteHubStore(GroupCommitWriter writer, ReaderPool readers, WalCheckpointer checkpointer) {
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
        String url = "jdbc:sqlite:" + absolute;
        SqlSession session = null;
        SqlSession checkpointSession = null;
        try {
            session = SqlSession.openWriter(url);
            SchemaMigrations.migrate(session, SchemaMigrations.STEPS);
            checkpointSession = SqlSession.openCheckpointer(url);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(session);
            closeQuietly(checkpointSession);
            throw e instanceof SQLException sql ? SqlSession.failure("open " + absolute, sql) : (RuntimeException) e;
        }
        return new SqliteHubStore(new GroupCommitWriter(session, "brink-store"), new ReaderPool(url, readerConnections),
                new WalCheckpointer(checkpointSession, "brink-store"));
    }

    private static void closeQuietly(SqlSession session) {
        if (session != null) {
            session.close();
        }
    }

    @Override
    public <T> CompletableFuture<T> write(WriteTask<T> task) {
        return writer.submit(task);
    }

    @Override
    public <T> T read(ReadTask<T> task) {
        return readers.read(task);
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
