package dev.brink.edge.hub.twin;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code twins.db}: one group-commit writer (every write is a read-modify-write of one row in its own savepoint,
 * serialised with all others, and its future completes only after the commit is synced) and a small reader pool.
 */
final class TwinStore implements AutoCloseable {
    private static final ConnectionSettings SETTINGS = ConnectionSettings.durable(10_000);
    private static final String CLOSED = "The twin cache is closed";

    private final GroupCommitWriter<TwinRows> writer;
    private final ReaderPool<TwinRows> readers;

    private TwinStore(GroupCommitWriter<TwinRows> writer, ReaderPool<TwinRows> readers) {
        this.writer = writer;
        this.readers = readers;
    }

    static TwinStore open(Path file) {
        Path absolute = file.toAbsolutePath();
        String url = ConnectionSettings.url(absolute);
        SqlSession session = null;
        try {
            Files.createDirectories(absolute.getParent());
            session = SETTINGS.openWriter(url);
            SchemaMigrations.migrate(session, TwinRows.MIGRATIONS);
            // Twin traffic is small; groups of 100 are plenty. Tasks are isolated: a refused patch (400, 412)
            // rolls back alone.
            var writer = new GroupCommitWriter<>(session, new TwinRows(session),
                    new WriterOptions("brink-twins", 100, CLOSED, "twin cache write failed: "));
            return new TwinStore(writer, new ReaderPool<>(url, SETTINGS, 2, TwinRows::new, CLOSED));
        } catch (SQLException | IOException | RuntimeException e) {
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the twin cache " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    /** Runs {@code task} on the writer; completes once its transaction is durable. */
    <T> CompletableFuture<T> write(Function<TwinRows, T> task) {
        return writer.submit(task);
    }

    /** Runs {@code task} in one read transaction on the calling thread. */
    <T> T read(Function<TwinRows, T> task) {
        return readers.read(task);
    }

    /** Finishes the queued writes, then closes every connection. */
    @Override
    public void close() {
        writer.close();
        readers.close();
        writer.closeSession();
    }
}
