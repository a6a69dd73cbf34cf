package dev.brink.hub.events;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link EventRetention#enforce} periodically on its own daemon thread (deleting can take a while on a
 * large log and must never hold up appends or event loops). Closing stops the thread and the retention.
 */
public final class RetentionJob implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final EventRetention retention;
    private final Clock clock;
    private final ScheduledExecutorService thread;

    public RetentionJob(EventRetention retention, Clock clock, Duration interval) {
        this.retention = retention;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-events-retention");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::runQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            long deleted = retention.enforce(clock.instant());
            if (deleted > 0) {
                LOG.info("events retention deleted {} old event(s)", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("events retention failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retention.close();
    }
}
