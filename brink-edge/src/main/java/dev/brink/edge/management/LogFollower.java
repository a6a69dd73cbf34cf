package dev.brink.edge.management;

import java.util.List;

/**
 * Finds the lines that are new in a log between two reads of its last {@link #WINDOW} lines — what
 * {@code logs?follow=true} streams. {@code ModuleRuntime} offers only "the last n lines" (both runtimes keep
 * size-bounded logs and neither has an offset that survives rotation), so the new window is aligned on the
 * previous one: the smallest shift {@code s} such that {@code previous[s..]} is a prefix of {@code current}
 * gives the new lines {@code current[previous.length - s ..]}. If nothing aligns (the instance restarted with
 * a fresh log, or more than a window was written between two reads) the whole current window is new.
 * <p>
 * Known limit: when a full window consists of one repeated line, a new copy of that line cannot be told from
 * the old ones and is not streamed. Not thread-safe; one per follow stream.
 */
final class LogFollower {
    static final int WINDOW = 1000;
    private List<String> previous;

    /** @param initial the window already sent (the tail the client asked for comes from it) */
    LogFollower(List<String> initial) {
        this.previous = List.copyOf(initial);
    }

    /** The lines of {@code current} not seen before; remembers {@code current}. */
    List<String> next(List<String> current) {
        List<String> fresh = newLines(previous, current);
        previous = List.copyOf(current);
        return fresh;
    }

    static List<String> newLines(List<String> previous, List<String> current) {
        for (int shift = 0; shift < previous.size(); shift++) {
            int overlap = previous.size() - shift;
            if (overlap <= current.size() && previous.get(shift).equals(current.get(0))
                    && previous.subList(shift, previous.size()).equals(current.subList(0, overlap))) {
                return List.copyOf(current.subList(overlap, current.size()));
            }
        }
        return List.copyOf(current);
    }
}
