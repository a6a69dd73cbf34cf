package dev.brink.edge.hub.delivery;

import java.time.Duration;

/**
 * Tuning of {@link EndpointPumps}.
 *
 * @param window         sends outstanding at once per endpoint (upstream throughput over a link with latency)
 * @param removeBatch    acknowledged entries removed from the store in one write
 * @param initialBackoff the first wait after a failed send; doubled after each further failure ...
 * @param maxBackoff     ... up to this
 * @param sendTimeout    a send not answered within this counts as failed (the sender should time out first)
 * @param idlePoll       an idle pump looks at its queue this often even without a wake (a safety net only)
 */
public record PumpOptions(int window, int removeBatch, Duration initialBackoff, Duration maxBackoff,
                          Duration sendTimeout, Duration idlePoll) {

    /** 50 outstanding, removals in batches of 100, back-off 1 s to 60 s (as the reference). */
    public static final PumpOptions DEFAULTS = new PumpOptions(50, 100, Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(5));

    public PumpOptions {
        if (window < 1 || removeBatch < 1) {
            throw new IllegalArgumentException("window and removeBatch must be positive");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("back-off must be positive and maxBackoff >= initialBackoff");
        }
    }

    public PumpOptions withBackoff(Duration initial, Duration max) {
        return new PumpOptions(window, removeBatch, initial, max, sendTimeout, idlePoll);
    }

    public PumpOptions withIdlePoll(Duration poll) {
        return new PumpOptions(window, removeBatch, initialBackoff, maxBackoff, sendTimeout, poll);
    }

    public PumpOptions withWindow(int size) {
        return new PumpOptions(size, removeBatch, initialBackoff, maxBackoff, sendTimeout, idlePoll);
    }
}
