package dev.brink.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed-loop load generator: keeps exactly {@code inFlight} operations outstanding until {@code total}
 * have been started (or the deadline passed, or too many failed), and times each one with
 * {@link System#nanoTime()}. An operation is any asynchronous step chain (one request, or a device with all
 * its modules), so the same driver serves the create phases and the measured GET/PATCH loops.
 */
final class LoadDriver {
    /** Give up once this many operations failed: a broken hub should not spin for the whole deadline. */
    static final int MAX_FAILURES = 100;
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    /** Longer than any request timeout times the requests of one operation (a device and its modules). */
    static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(15);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-driver-watchdog");
        t.setDaemon(true);
        return t;
    });

    private LoadDriver() {
    }

    /**
     * @param from the first operation index (indexes run from {@code from} to {@code from + total - 1})
     * @param deadline wall-clock budget for the whole loop; operations still in flight then are awaited
     */
    static Result run(String name, int from, int total, int inFlight, Duration deadline, IntFunction<Future<?>> op) {
        Latencies latencies = new Latencies(total);
        AtomicInteger next = new AtomicInteger(from);
        AtomicInteger active = new AtomicInteger(Math.min(inFlight, total));
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        long stopAt = start + deadline.toNanos();
        int end = from + total;
        AtomicLong lastReport = new AtomicLong(start);
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= end || failures.get() >= MAX_FAILURES || System.nanoTime() > stopAt) {
                if (active.decrementAndGet() == 0) {
                    done.complete(null);
                }
                return;
            }
            long t0 = System.nanoTime();
            Future<?> f;
            try {
                f = op.apply(i);
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            AtomicBoolean finished = new AtomicBoolean();
            // a watchdog, so that an operation whose future never completes cannot stall the whole loop
            java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                if (finished.compareAndSet(false, true)) {
                    failures.incrementAndGet();
                    firstError.compareAndSet(null, "no outcome after " + OPERATION_TIMEOUT);
                    launch[0].run();
                }
            }, OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            f.onComplete(ar -> {
                if (!finished.compareAndSet(false, true)) {
                    return;
                }
                watchdog.cancel(false);
                long now = System.nanoTime();
                if (ar.succeeded()) {
                    latencies.record(now - t0);
                } else {
                    failures.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(ar.cause()));
                }
                progress(name, lastReport, start, now, latencies.count(), total);
                launch[0].run();
            });
        };
        if (total <= 0) {
            done.complete(null);
        }
        for (int c = 0; c < Math.min(inFlight, total); c++) {
            launch[0].run();
        }
        try {
            // in-flight operations end within their own request timeouts once no new ones are launched
            done.get(deadline.toMillis() + OPERATION_TIMEOUT.toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + ": operations still in flight long after the deadline");
        } catch (Exception e) {
            throw new IllegalStateException(name + ": " + e, e);
        }
        long elapsed = System.nanoTime() - start;
        int started = Math.min(end, next.get() - Math.min(inFlight, total)) - from; // each chain overshoots once
        Result result = new Result(name, latencies.count(), failures.get(), elapsed, latencies.summary(),
                firstError.get(), Math.max(0, started));
        if (result.failures() > 0) {
            System.err.printf("  %s: %d failures, first: %s%n", name, result.failures(), result.firstError());
        }
        return result;
    }

    /** Long loops (the create phases) say how far they are every {@link #PROGRESS_EVERY}. */
    private static void progress(String name, AtomicLong lastReport, long start, long now, int done, int total) {
        long last = lastReport.get();
        if (now - last > PROGRESS_EVERY.toNanos() && lastReport.compareAndSet(last, now)) {
            double seconds = (now - start) / 1e9;
            System.out.printf("  %s: %,d / %,d after %.0f s (%,.0f/s)%n", name, done, total, seconds, done / seconds);
        }
    }

    /** Outcome of one loop: successful operations, failures, wall time and latency percentiles. */
    /** @param started operations started: indexes {@code from .. from + started - 1} were all tried */
    record Result(String name, int ok, long failures, long elapsedNanos, Latencies.Summary latency,
            String firstError, int started) {
        double perSecond() {
            return elapsedNanos == 0 ? 0 : ok * 1e9 / elapsedNanos;
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }
    }
}
