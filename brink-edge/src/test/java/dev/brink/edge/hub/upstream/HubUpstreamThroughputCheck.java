package dev.brink.edge.hub.upstream;

import static dev.brink.edge.hub.upstream.UpstreamHub.MODULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brink.client.ClientOptions;
import dev.brink.core.message.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick local throughput check, not part of the normal run: sends {@code count} messages as one module with at
 * most {@code window} in flight (like a store drain) and prints messages per second.
 * <pre>./mvnw -o -q -B -pl brink-edge -am test -Dtest=HubUpstreamThroughputCheck -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dbrink.upstream.bench=true -Dbench.count=100000 -Dbench.window=1000 -Dbench.maxInFlight=65000</pre>
 */
class HubUpstreamThroughputCheck {
    @TempDir
    Path dir;

    @Test
    void drain() throws Exception {
        assumeTrue(Boolean.getBoolean("brink.upstream.bench"), "set -Dbrink.upstream.bench=true to run");
        int count = Integer.getInteger("bench.count", 100_000);
        int window = Integer.getInteger("bench.window", 1000);
        int maxInFlight = Integer.getInteger("bench.maxInFlight", ClientOptions.DEFAULT_MAX_IN_FLIGHT);
        try (UpstreamHub hub = new UpstreamHub(dir)) {
            UpstreamSettings base = hub.settings(Duration.ofMinutes(10));
            UpstreamSettings settings = new UpstreamSettings(base.hubName(), base.edgeDeviceId(), base.edgeDeviceKey(),
                    base.clientOptions().toBuilder().maxInFlight(maxInFlight).operationTimeout(Duration.ofMinutes(5))
                            .build(), base.idleTimeout());
            try (HubUpstream upstream = HubUpstream.start(settings, hub.childKeys())) {
                await().atMost(Duration.ofSeconds(30)).until(upstream::isConnected);
                Message template = Message.builder().body("{\"temperature\":21.5,\"humidity\":40,\"seq\":0000000}")
                        .contentType("application/json").contentEncoding("utf-8").outputName("out1")
                        .property("alert", "no").build();
                run(upstream, template, Math.min(count, 10_000), window);            // warm-up
                long t0 = System.nanoTime();
                long failed = run(upstream, template, count, window);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("UPSTREAM-BENCH count=%d window=%d maxInFlight=%d seconds=%.2f rate=%.0f msg/s failed=%d%n",
                        count, window, maxInFlight, seconds, count / seconds, failed);
                assertThat(failed).isZero();
            }
        }
    }

    private static long run(HubUpstream upstream, Message template, int count, int window) throws Exception {
        Semaphore slots = new Semaphore(window);
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            upstream.send(MODULE, template.toBuilder().messageId("m" + i).build()).whenComplete((v, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                slots.release();
            });
        }
        assertThat(slots.tryAcquire(window, 5, TimeUnit.MINUTES)).isTrue();
        return failed.get();
    }
}
