package dev.brink.bench;

import java.util.Arrays;

/**
 * Request latencies of one measured loop, in nanoseconds. Recorded from several event-loop threads, so
 * {@link #record} is synchronized; the loops here record at most a few hundred thousand values.
 */
final class Latencies {
    private long[] nanos;
    private int size;

    Latencies(int expected) {
        this.nanos = new long[Math.max(16, Math.min(expected, 1 << 16))];
    }

    synchronized void record(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
    }

    synchronized int count() {
        return size;
    }

    /** A snapshot of the percentiles (nearest-rank), in milliseconds. */
    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        return new Summary(size, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
                ms(size == 0 ? 0 : sorted[size - 1]));
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    record Summary(int count, double p50, double p90, double p99, double max) {
    }
}
