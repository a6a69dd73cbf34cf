package dev.brink.edge.hub.upstream;

import static dev.brink.edge.hub.upstream.UpstreamHub.CHILD;
import static dev.brink.edge.hub.upstream.UpstreamHub.EDGE;
import static dev.brink.edge.hub.upstream.UpstreamHub.MODULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.mqtt.MethodResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The link's failure modes against a real hub: the hub goes away and comes back; idle connections close. */
@Timeout(180)
class HubUpstreamReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void hubStopsThenSendsFailFastAndEverythingResumesWhenItReturns() throws Exception {
        try (UpstreamHub hub = new UpstreamHub(dir);
             HubUpstream upstream = HubUpstream.start(hub.settings(Duration.ofMinutes(10)), hub.childKeys())) {
            List<Boolean> changes = new CopyOnWriteArrayList<>();
            upstream.onLinkChange(changes::add);
            upstream.onMethod((who, name, payload) -> CompletableFuture.completedFuture(
                    new MethodResult(200, Json.object().put("who", who.toString()))));
            upstream.activate(MODULE);
            await().atMost(WAIT).until(upstream::isConnected);
            upstream.send(CHILD, Message.builder().body("before").messageId("before").build()).get(20, TimeUnit.SECONDS);
            assertThat(hub.service.invokeMethod(EDGE, "filter", "m", null, 10, 20).get("status").asInt()).isEqualTo(200);

            hub.stop();
            await().atMost(WAIT).until(() -> !upstream.isConnected());
            await().atMost(WAIT).until(() -> changes.contains(false));
            long t0 = System.nanoTime();
            CompletableFuture<Void> down = upstream.send(MODULE, Message.of("while down"));
            assertThat(down).failsWithin(Duration.ofSeconds(2)).withThrowableThat().havingRootCause()
                    .isInstanceOf(BrinkException.class)
                    .satisfies(e -> assertThat(((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ServiceUnavailable));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(upstream.getTwin(CHILD)).failsWithin(Duration.ofSeconds(2));

            hub.restart();
            await().atMost(WAIT).until(upstream::isConnected);
            assertThat(changes).containsSubsequence(true, false, true);
            // Each identity's connection comes back on its own back-off; until then its sends fail fast (the
            // caller's pump retries), so retry like a pump would.
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                upstream.send(CHILD, Message.builder().body("after").messageId("after").build()).get(20, TimeUnit.SECONDS);
                return true;
            });
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                upstream.send(MODULE, Message.builder().body("after-module").messageId("after-module").build())
                        .get(20, TimeUnit.SECONDS);
                return true;
            });
            assertThat(hub.event("before")).isPresent();
            assertThat(hub.event("after").orElseThrow().get("deviceId").asText()).isEqualTo(CHILD.deviceId());
            assertThat(hub.event("after-module").orElseThrow().get("moduleId").asText()).isEqualTo("filter");
            // The activated module is back for methods without being activated again.
            assertThat(hub.service.invokeMethod(EDGE, "filter", "m", null, 10, 20).get("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void sendOnlyConnectionsCloseWhenIdleAndDeactivatedOnesWhenDrained() throws Exception {
        try (UpstreamHub hub = new UpstreamHub(dir);
             HubUpstream upstream = HubUpstream.start(hub.settings(Duration.ofSeconds(1)), hub.childKeys())) {
            await().atMost(WAIT).until(upstream::isConnected);
            upstream.send(CHILD, Message.of("once")).get(20, TimeUnit.SECONDS);
            assertThat(upstream.connectedIdentities()).contains(CHILD);
            await().atMost(WAIT).until(() -> !upstream.connectedIdentities().contains(CHILD));
            await().atMost(WAIT).until(() -> !hub.hub.deviceEndpoint().connections().isConnected(CHILD));

            upstream.activate(MODULE);
            await().atMost(WAIT).until(() -> hub.hub.deviceEndpoint().connections().isOnline(MODULE));
            Thread.sleep(1500);   // longer than the idle timeout: activated connections stay
            assertThat(hub.hub.deviceEndpoint().connections().isOnline(MODULE)).isTrue();

            upstream.deactivate(MODULE);
            await().atMost(WAIT).until(() -> !hub.hub.deviceEndpoint().connections().isConnected(MODULE));
            assertThat(upstream.connectedIdentities()).containsExactly(upstream.self());
            // The edge hub's own connection never idles out.
            assertThat(hub.hub.deviceEndpoint().connections().isConnected(upstream.self())).isTrue();
        }
    }
}
