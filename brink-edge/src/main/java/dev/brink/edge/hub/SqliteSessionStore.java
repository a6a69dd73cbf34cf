package dev.brink.edge.hub;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.infra.sqlite.ConnectionSettings;
import dev.brink.infra.sqlite.GroupCommitWriter;
import dev.brink.infra.sqlite.Migration;
import dev.brink.infra.sqlite.ReaderPool;
import dev.brink.infra.sqlite.SchemaMigrations;
import dev.brink.infra.sqlite.SqlSession;
import dev.brink.infra.sqlite.WriterOptions;
import dev.brink.mqtt.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Persistent MQTT sessions of the edge hub's clients in {@code sessions.db}: one row per (client id, topic filter).
 * The official SDKs subscribe once and rely on CleanSession=0, so a subscription must survive an edge restart: the
 * head SUBACKs only after {@link #add} is durable. Writes go through one group-committing writer (a reconnect
 * storm after a restart is many small writes), reads through a small reader pool.
 */
public final class SqliteSessionStore implements SessionStore, AutoCloseable {
    public static final String FILE_NAME = "sessions.db";
    private static final String CLOSED = "The edge hub's session store is closed";
    private static final ConnectionSettings SETTINGS = ConnectionSettings.durable(10_000);
    private static final List<Migration> MIGRATIONS = List.of(new Migration(1, "session subscriptions", List.of("""
            CREATE TABLE subscriptions (client_id TEXT NOT NULL, topic_filter TEXT NOT NULL, qos INTEGER NOT NULL,
                PRIMARY KEY (client_id, topic_filter)) WITHOUT ROWID""")));

    private final GroupCommitWriter<Tables> writer;
    private final ReaderPool<Tables> readers;

    private SqliteSessionStore(GroupCommitWriter<Tables> writer, ReaderPool<Tables> readers) {
        this.writer = writer;
        this.readers = readers;
    }

    /** Opens (creating if needed) {@code file}. */
    public static SqliteSessionStore open(Path file) {
        Path absolute = file.toAbsolutePath();
        SqlSession session = null;
        try {
            Files.createDirectories(absolute.getParent());
            String url = ConnectionSettings.url(absolute);
            session = SETTINGS.openWriter(url);
            SchemaMigrations.migrate(session, MIGRATIONS);
            var writer = new GroupCommitWriter<>(session, new Tables(session),
                    new WriterOptions("edgehub-sessions", 200, CLOSED, "Session commit failed: "));
            return new SqliteSessionStore(writer, new ReaderPool<>(url, SETTINGS, 2, Tables::new, CLOSED));
        } catch (SQLException | IOException e) {
            SqlSession.closeQuietly(session);
            throw new BrinkException(ErrorCode.ServerError, "Cannot open the session store " + absolute + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Integer> load(String clientId) {
        return readers.read(t -> t.load(clientId));
    }

    @Override
    public void clear(String clientId) {
        try {
            writer.submit(t -> t.clear(clientId)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public CompletableFuture<Void> add(String clientId, Map<String, Integer> subscriptions) {
        Map<String, Integer> copy = Map.copyOf(subscriptions);
        return writer.submit(t -> t.add(clientId, copy));
    }

    @Override
    public CompletableFuture<Void> remove(String clientId, Collection<String> filters) {
        List<String> copy = List.copyOf(filters);
        return writer.submit(t -> t.remove(clientId, copy));
    }

    /** Finishes queued writes, then closes every connection. */
    @Override
    public void close() {
        writer.close();
        readers.close();
        writer.closeSession();
    }

    /** The table bound to one connection (the writer's, or a reader's). */
    private static final class Tables {
        private final SqlSession session;

        Tables(SqlSession session) {
            this.session = session;
        }

        Map<String, Integer> load(String clientId) {
            Map<String, Integer> result = new LinkedHashMap<>();
            try {
                PreparedStatement ps = session.prepare(
                        "SELECT topic_filter, qos FROM subscriptions WHERE client_id = ? ORDER BY topic_filter");
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.put(rs.getString(1), rs.getInt(2));
                    }
                }
                return result;
            } catch (SQLException e) {
                throw SqlSession.failure("load session", e);
            }
        }

        Void add(String clientId, Map<String, Integer> subscriptions) {
            try {
                PreparedStatement ps = session.prepare("INSERT INTO subscriptions (client_id, topic_filter, qos)"
                        + " VALUES (?, ?, ?) ON CONFLICT (client_id, topic_filter) DO UPDATE SET qos = excluded.qos");
                for (Map.Entry<String, Integer> e : subscriptions.entrySet()) {
                    ps.setString(1, clientId);
                    ps.setString(2, e.getKey());
                    ps.setInt(3, e.getValue());
                    ps.executeUpdate();
                }
                return null;
            } catch (SQLException e) {
                throw SqlSession.failure("add subscriptions", e);
            }
        }

        Void remove(String clientId, List<String> filters) {
            try {
                PreparedStatement ps = session.prepare(
                        "DELETE FROM subscriptions WHERE client_id = ? AND topic_filter = ?");
                for (String filter : filters) {
                    ps.setString(1, clientId);
                    ps.setString(2, filter);
                    ps.executeUpdate();
                }
                return null;
            } catch (SQLException e) {
                throw SqlSession.failure("remove subscriptions", e);
            }
        }

        Void clear(String clientId) {
            try {
                PreparedStatement ps = session.prepare("DELETE FROM subscriptions WHERE client_id = ?");
                ps.setString(1, clientId);
                ps.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw SqlSession.failure("clear session", e);
            }
        }
    }
}
