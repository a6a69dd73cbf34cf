package dev.brink.infra.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Statements that carry many rows (multi-row INSERTs, {@code IN (…)} deletes): a single writer that steps one
 * statement per row spends most of its time in the statement machinery, not in the rows (measured for the hub's
 * events log and the edge hub's message store). Texts for 1 … {@link #MAX_ROWS} rows are built once; rows go in
 * chunks of at most {@link #MAX_ROWS}.
 */
public final class ManyRows {
    /** Rows per statement: 64 rows of up to 7 parameters stay far below SQLite's limit of 32,766. */
    public static final int MAX_ROWS = 64;

    private ManyRows() {
    }

    /** {@code forRows.apply(n)} for n = 1 … {@link #MAX_ROWS}; element n − 1 is the text for n rows. */
    public static String[] texts(IntFunction<String> forRows) {
        String[] texts = new String[MAX_ROWS];
        for (int n = 1; n <= MAX_ROWS; n++) {
            texts[n - 1] = forRows.apply(n);
        }
        return texts;
    }

    /** {@code single} (an INSERT ending in one VALUES tuple) with {@code n − 1} more copies of {@code tuple}. */
    public static String values(String single, String tuple, int n) {
        return single + (", " + tuple).repeat(n - 1);
    }

    /** {@code ?, ?, …} with {@code n} placeholders, for {@code IN (…)}. */
    public static String placeholders(int n) {
        return "?" + ", ?".repeat(n - 1);
    }

    /** {@code rows} in consecutive views of at most {@link #MAX_ROWS}. */
    public static <T> List<List<T>> chunks(List<T> rows) {
        List<List<T>> chunks = new ArrayList<>((rows.size() + MAX_ROWS - 1) / MAX_ROWS);
        for (int from = 0; from < rows.size(); from += MAX_ROWS) {
            chunks.add(rows.subList(from, Math.min(rows.size(), from + MAX_ROWS)));
        }
        return chunks;
    }
}
