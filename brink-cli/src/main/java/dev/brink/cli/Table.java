package dev.brink.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain aligned text columns, for humans; scripts use {@code -o json}. */
final class Table {
    private static final String GAP = "  ";
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    private Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    static Table of(String... headers) {
        return new Table(headers);
    }

    Table row(Object... cells) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row[i] = cell == null ? "-" : cell.toString();
        }
        rows.add(row);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** A two-column "Label: value" block, labels aligned. */
    static void details(PrintWriter out, String[][] pairs) {
        int width = 0;
        for (String[] pair : pairs) {
            width = Math.max(width, pair[0].length());
        }
        for (String[] pair : pairs) {
            String value = pair[1] == null ? "-" : pair[1];
            out.println(pair[0] + ":" + " ".repeat(width - pair[0].length() + 1) + value);
        }
        out.flush();
    }
}
