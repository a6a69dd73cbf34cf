package dev.brink.cli.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The demo's output: numbered steps, one time-stamped line per thing that happened, and waits that say what they
 * wait for every few seconds (the output may be a log file, so no carriage-return animation). Thread-safe: the
 * events and module-state threads print through it too.
 */
final class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final PrintWriter out;
    private final Stop stop;
    private int step;

    /** Asked between polls whether Ctrl-C (or the end of --duration) came. */
    interface Stop {
        boolean requested();
    }

    Console(PrintWriter out, Stop stop) {
        this.out = out;
        this.stop = stop;
    }

    synchronized void step(String title) {
        step++;
        out.println();
        out.println(step + ". " + title);
        out.flush();
    }

    synchronized void line(String text) {
        out.println("   " + LocalTime.now(ZoneId.systemDefault()).format(TIME) + "  " + text);
        out.flush();
    }

    synchronized void plain(String text) {
        out.println(text);
        out.flush();
    }

    /**
     * Polls {@code done} every 200 ms up to {@code timeout}, printing "{@code what} ... N s" with {@code status} every
     * 5 s. Returns true when done; false on timeout or when a stop was requested.
     */
    boolean await(String what, Duration timeout, BooleanSupplier done, Supplier<String> status) {
        Instant start = Instant.now();
        Instant nextProgress = start.plus(PROGRESS_EVERY);
        while (!done.getAsBoolean()) {
            Instant now = Instant.now();
            if (stop.requested() || now.isAfter(start.plus(timeout))) {
                return false;
            }
            if (now.isAfter(nextProgress)) {
                String s = status == null ? null : status.get();
                long waited = Duration.between(start, now).toSeconds();
                line(what + " ... " + waited + " s" + (s == null ? "" : " (" + s + ")"));
                nextProgress = nextProgress.plus(PROGRESS_EVERY);
            }
            if (!sleep(200)) {
                return false;
            }
        }
        return true;
    }

    /** Sleeps unless a stop is requested; false when interrupted or stopped. */
    boolean pause(Duration d) {
        Instant end = Instant.now().plus(d);
        while (Instant.now().isBefore(end)) {
            if (stop.requested() || !sleep(Math.min(200, Duration.between(Instant.now(), end).toMillis()))) {
                return false;
            }
        }
        return !stop.requested();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
