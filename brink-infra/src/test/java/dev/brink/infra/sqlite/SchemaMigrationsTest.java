package dev.brink.infra.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {
    private static final List<Migration> V1 = List.of(new Migration(1, "one", List.of("CREATE TABLE a (x INTEGER)")));
    private static final List<Migration> V2 = List.of(V1.get(0),
            new Migration(2, "two", List.of("CREATE TABLE b (y INTEGER)", "CREATE INDEX b_y ON b (y)")));

    @TempDir
    Path dir;

    private SqlSession open() throws SQLException {
        return ConnectionSettings.durable(1000).openWriter(ConnectionSettings.url(dir.resolve("m.db")));
    }

    @Test
    void appliesEachStepOnceAndRecordsIt() throws Exception {
        try (SqlSession s = open()) {
            assertThat(SchemaMigrations.migrate(s, V1)).isEqualTo(1);
        }
        try (SqlSession s = open()) {
            assertThat(SchemaMigrations.migrate(s, V2)).isEqualTo(2);
            assertThat(SchemaMigrations.migrate(s, V2)).isEqualTo(2);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.prepare("SELECT version, description FROM schema_version ORDER BY version")
                    .executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + " " + rs.getString(2));
                }
            }
            assertThat(rows).containsExactly("1 one", "2 two");
        }
    }

    @Test
    void aFailingStepLeavesThePreviousVersion() throws Exception {
        List<Migration> broken = List.of(V1.get(0),
                new Migration(2, "broken", List.of("CREATE TABLE c (z INTEGER)", "THIS IS NOT SQL")));
        try (SqlSession s = open()) {
            assertThatThrownBy(() -> SchemaMigrations.migrate(s, broken)).isInstanceOf(SQLException.class);
            assertThat(SchemaMigrations.currentVersion(s)).isEqualTo(1);
            assertThat(SchemaMigrations.migrate(s, V2)).isEqualTo(2); // c was rolled back with its step
        }
    }

    @Test
    void aNewerDatabaseRefusesToOpen() throws Exception {
        try (SqlSession s = open()) {
            SchemaMigrations.migrate(s, V2);
            assertThatThrownBy(() -> SchemaMigrations.migrate(s, V1)).isInstanceOf(BrinkException.class)
                    .hasMessageContaining("newer");
        }
    }

    @Test
    void userVersionFilesKeepCountingInThePragma() throws Exception {
        try (SqlSession s = open()) {
            assertThat(SchemaMigrations.migrateUserVersion(s, V1)).isEqualTo(1);
        }
        try (SqlSession s = open()) {
            assertThat(SchemaMigrations.migrateUserVersion(s, V2)).isEqualTo(2);
            try (ResultSet rs = s.connection().createStatement().executeQuery("PRAGMA user_version")) {
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            try (ResultSet rs = s.connection().createStatement()
                    .executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'")) {
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
