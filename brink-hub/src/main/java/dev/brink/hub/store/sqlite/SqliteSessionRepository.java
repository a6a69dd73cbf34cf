package dev.brink.hub.store.sqlite;

import dev.brink.hub.store.SessionRepository;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** MQTT session subscriptions in the {@code mqtt_subscriptions} table, one row per (client id, filter). */
final class SqliteSessionRepository implements SessionRepository {
    private static final String FIND = "SELECT topic_filter, qos FROM mqtt_subscriptions WHERE client_id = ?"
            + " ORDER BY topic_filter";
    private static final String UPSERT = "INSERT INTO mqtt_subscriptions (client_id, topic_filter, qos)"
            + " VALUES (?, ?, ?) ON CONFLICT (client_id, topic_filter) DO UPDATE SET qos = excluded.qos";
    private static final String DELETE_ONE = "DELETE FROM mqtt_subscriptions WHERE client_id = ? AND topic_filter = ?";
    private static final String DELETE_ALL = "DELETE FROM mqtt_subscriptions WHERE client_id = ?";

    private final SqlSession session;
    private final boolean writable;

    SqliteSessionRepository(SqlSession session, boolean writable) {
        this.session = session;
        this.writable = writable;
    }

    @Override
    public Map<String, Integer> subscriptions(String clientId) {
        Map<String, Integer> result = new LinkedHashMap<>();
        try {
            PreparedStatement ps = session.prepare(FIND);
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), rs.getInt(2));
                }
            }
            return result;
        } catch (SQLException e) {
            throw SqlSession.failure("find session", e);
        }
    }

    @Override
    public void addSubscriptions(String clientId, Map<String, Integer> filters) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(UPSERT);
            for (Map.Entry<String, Integer> e : filters.entrySet()) {
                ps.setString(1, clientId);
                ps.setString(2, e.getKey());
                ps.setInt(3, e.getValue());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw SqlSession.failure("add subscriptions", e);
        }
    }

    @Override
    public void removeSubscriptions(String clientId, Collection<String> filters) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(DELETE_ONE);
            for (String filter : filters) {
                ps.setString(1, clientId);
                ps.setString(2, filter);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw SqlSession.failure("remove subscriptions", e);
        }
    }

    @Override
    public boolean delete(String clientId) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(DELETE_ALL);
            ps.setString(1, clientId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlSession.failure("delete session", e);
        }
    }
}
