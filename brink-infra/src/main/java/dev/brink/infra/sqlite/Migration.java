package dev.brink.infra.sqlite;

import java.util.List;

/**
 * One schema step: its version (ascending, never reused), a description and the statements it runs.
 * A step that has shipped is never edited; a schema change is a new step.
 */
public record Migration(int version, String description, List<String> statements) {
    public Migration {
        statements = List.copyOf(statements);
    }
}
