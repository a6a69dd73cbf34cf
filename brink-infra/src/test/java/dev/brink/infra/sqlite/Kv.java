package dev.brink.infra.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** A tiny transaction type for the tests: a key-value table on one session. */
final class Kv {
    static final List<Migration> SCHEMA = List.of(
            new Migration(1, "kv", List.of("CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v INTEGER NOT NULL)")));

    private final SqlSession session;

    Kv(SqlSession session) {
        this.session = session;
    }

    void put(String key, long value) {
        try {
            PreparedStatement ps = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)"
                    + " ON CONFLICT (k) DO UPDATE SET v = excluded.v");
            ps.setString(1, key);
            ps.setLong(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("put", e);
        }
    }

    Optional<Long> get(String key) {
        try {
            PreparedStatement ps = session.prepare("SELECT v FROM kv WHERE k = ?");
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlSession.failure("get", e);
        }
    }

    long count() {
        try (ResultSet rs = session.prepare("SELECT COUNT(*) FROM kv").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw SqlSession.failure("count", e);
        }
    }

    /** Ends the group's transaction behind the writer's back, so that its COMMIT fails. */
    void sabotage() {
        try {
            session.exec("ROLLBACK");
        } catch (SQLException e) {
            throw SqlSession.failure("sabotage", e);
        }
    }
}
