package dev.brink.bench.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A markdown table, printed to stdout and appended to the results file the script collects. */
final class Markdown {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Markdown(String... header) {
        this.header = List.of(header);
    }

    Markdown row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** Prints {@code text} and appends it to {@code out} (when not null). */
    static void emit(Path out, String text) {
        System.out.println(text);
        System.out.flush();
        if (out == null) {
            return;
        }
        try {
            Files.writeString(out, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not append to " + out + ": " + e);
        }
    }
}
