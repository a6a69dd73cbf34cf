package dev.brink.core.query;

import java.util.Locale;

/** Aggregates allowed as top-level projections; their default result name is documented in README.md. */
enum AggregateFunction {
    COUNT(0), SUM(1), AVG(1), MIN(1), MAX(1);

    private final int arguments;

    AggregateFunction(int arguments) {
        this.arguments = arguments;
    }

    static AggregateFunction byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    int arguments() {
        return arguments;
    }

    /** Result name when the projection has no alias: IoT Hub's "numberOfDevices" for COUNT(). */
    String defaultName() {
        return this == COUNT ? "numberOfDevices" : name().toLowerCase(Locale.ROOT);
    }
}
