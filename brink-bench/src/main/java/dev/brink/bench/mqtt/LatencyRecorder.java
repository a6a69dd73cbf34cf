package dev.brink.bench.mqtt;

import java.util.Arrays;

/**
 * Latencies of one measured run, in nanoseconds, kept whole (a run records at most a few million values) so
 * that percentiles are exact. One recorder per client connection: a connection records on its own event loop,
 * and the merge happens after the run, so the lock is never contended.
 */
final class LatencyRecorder {
    private long[] nanos = new long[1024];
    private int size;

    synchronized void record(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
    }

    synchronized int count() {
        return size;
    }

    synchronized long[] snapshot() {
        return Arrays.copyOf(nanos, size);
    }

    /** Percentiles (nearest rank) over every value of every recorder. */
    static Summary merge(Iterable<LatencyRecorder> recorders) {
        long[] all = new long[0];
        for (LatencyRecorder r : recorders) {
            long[] part = r.snapshot();
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        Arrays.sort(all);
        return new Summary(all.length, percentile(all, 50), percentile(all, 99), percentile(all, 99.9),
                all.length == 0 ? 0 : all[all.length - 1]);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** Percentiles in nanoseconds; {@link #ms} formats one for a table. */
    record Summary(int count, long p50, long p99, long p999, long max) {
        static String ms(long nanos) {
            return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
        }
    }
}
