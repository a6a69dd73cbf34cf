package dev.brink.edge.hub.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.infra.sqlite.ManyRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched removals find their rows by id: SQLite's plan for each statement, on the store's real schema and
 * driver, is a rowid search — not a walk through the queue index, which made every removal of a long queue (a
 * 1,000,000-message upstream drain) read the whole queue.
 */
class RowBatchesTest {
    @TempDir
    Path dir;

    @Test
    void removalsSearchByRowidNotThroughTheQueueIndex() throws SQLException {
        Path file = dir.resolve(SqliteMessageStore.FILE_NAME);
        SqliteMessageStore.open(file, StoreAndForwardSettings.DEFAULTS, Clock.systemUTC()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (String[] texts : List.of(RowBatches.TAKE_ENTRIES, RowBatches.DELETE_UNREFERENCED,
                    RowBatches.DEREF_MESSAGES)) {
                for (String sql : List.of(texts[0], texts[ManyRows.MAX_ROWS - 1])) {
                    assertThat(plan(c, sql)).as(sql).isNotEmpty()
                            .allSatisfy(step -> assertThat(step).contains("INTEGER PRIMARY KEY (rowid=?)")
                                    .doesNotContain("entries_queue"));
                }
            }
        }
    }

    private static List<String> plan(Connection c, String sql) throws SQLException {
        String statement = sql.contains(" RETURNING ") ? sql.substring(0, sql.indexOf(" RETURNING ")) : sql;
        List<String> steps = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN QUERY PLAN " + statement)) {
            while (rs.next()) {
                steps.add(rs.getString("detail"));
            }
        }
        return steps;
    }
}
