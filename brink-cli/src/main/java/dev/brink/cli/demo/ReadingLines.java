package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Records each event from the hub in the {@link Ledger} and prints one line per sensor reading with its fate. */
final class ReadingLines implements AutoCloseable {
    static final Duration DELAY = Duration.ofMillis(800);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final Ledger ledger;
    private final Console console;
    private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-printer");
        t.setDaemon(true);
        return t;
    });

    ReadingLines(Ledger ledger, Console console) {
        this.ledger = ledger;
        this.console = console;
    }

    /**
     * A reading's line is printed a moment after it reached the hub, when its alert (if the filter forwarded it) has
     * arrived too: one line per reading says what the filter did with it. The alert travels separately and, after an
     * outage, may come seconds after its reading; a reading above the threshold is therefore held until its alert is
     * there (at most {@link #PATIENCE}) rather than shown as dropped.
     */
    void onEvent(JsonNode event) {
        Ledger.Reading r = ledger.record(event);
        if (r.kind() == Ledger.Kind.READING) {
            printer.schedule(() -> printReading(r, Instant.now().plus(PATIENCE)), DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void printReading(Ledger.Reading r, Instant patience) {
        boolean alert = ledger.hasAlert(r.seq());
        String threshold = ledger.thresholdLabel(r.created());
        boolean expected = threshold.equals("changing") || r.temperature() > ledger.thresholdAt(r.created());
        if (!alert && expected && Instant.now().isBefore(patience)) {
            try {
                printer.schedule(() -> printReading(r, patience), 250, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopping) {
                // the demo is ending: print what is known now
            }
        }
        String verdict = alert ? "-> ALERT from the filter" : expected && !threshold.equals("changing")
                ? "   no alert (yet)" : "   dropped by the filter";
        double delay = r.delaySeconds();
        console.line(String.format(Locale.ROOT, "hub <- reading #%-3d %6.2f  %-24s (threshold %s)%s", r.seq(),
                r.temperature(), verdict, threshold, delay >= 1.5 ? ", made " + secs(delay) + " s earlier" : ""));
    }

    /** Prints the lines already due, then stops. */
    @Override
    public void close() {
        printer.shutdown();
        try {
            printer.awaitTermination(DELAY.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String secs(double s) {
        return DemoTour.secs(s);
    }
}
