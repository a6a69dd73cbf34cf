package dev.brink.edge.e2e;

import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import java.time.Duration;

/**
 * Tests that run the edge hub on its default address, 127.0.0.2:8883 (what the official SDK dials): that address is
 * one per machine, and another checkout's test may hold it for a while.
 */
final class DefaultEdgeHubPort {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private DefaultEdgeHubPort() {
    }

    /** Starts the edge runtime, retrying a start that failed to bind for up to a minute (every 2 s). */
    static EdgeRuntime startWhenFree(EdgeConfig config) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return EdgeRuntime.start(config);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("Address already in use") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }
}
