package dev.brink.edge.e2e;

import static dev.brink.edge.e2e.OfflineBed.DEVICE;
import static dev.brink.edge.e2e.OfflineBed.MODULE;
import static dev.brink.edge.e2e.OfflineBed.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.hub.HubServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, "Offline": after one sync, the hub goes away; a module sends {@value #DEFAULT_COUNT} numbered messages
 * (QoS 1, PUBACK = stored) and patches its reported properties; the edge runtime is killed with SIGKILL and
 * restarted, still offline; a desired patch is made at the hub while the edge cannot reach it; the hub comes
 * back. Every message must arrive upstream, in order, none lost (duplicates are counted and printed — the goal is
 * none), the reported patches must reach the hub's module twin and the desired patch the module.
 * {@code -Dbrink.offline.count=N} changes the number of messages.
 */
class EdgeHubOfflineIT {
    static final int DEFAULT_COUNT = 100_000;
    static final int COUNT = Integer.getInteger("brink.offline.count", DEFAULT_COUNT);
    static final int REPORTS = 20;
    static final Duration STEP = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void messagesAndTwinChangesSurviveAnOutageAndAKilledEdgeRuntime() throws Exception {
        try (OfflineBed bed = new OfflineBed(dir)) {
            bed.startEdge();
            bed.deploy(Json.object().put("timeToLiveSecs", 7200), 60);
            await().atMost(STEP).until(() -> bed.moduleOpens() >= 1);

            // one sync online: a message reaches the hub, a reported patch the module twin
            assertThat(field(bed.command("send 1 100 1 online", STEP), "acked")).isEqualTo("1");
            try (EventTally online = new EventTally(bed.service(), DEVICE, MODULE)) {
                await().atMost(STEP).until(() -> online.distinct("online") == 1);
            }
            bed.command("report 1 online", STEP);
            await().atMost(STEP).until(() -> bed.service().getTwin(DEVICE, MODULE)
                    .at("/properties/reported/online/last").asInt(-1) == 0);

            bed.stopHub();
            await().atMost(STEP).until(() -> bed.metric("edgehub_upstream_connected", "") == 0);

            String sent = bed.command("send " + COUNT + " 100 200 offline", Duration.ofMinutes(10));
            System.out.println("offline send: " + sent);
            assertThat(field(sent, "acked")).isEqualTo(Integer.toString(COUNT));
            long sendMs = Long.parseLong(field(sent, "ms"));
            assertThat(bed.metric("edgehub_queue_length", "endpoint=\"$upstream\"")).isEqualTo(COUNT);
            String reported = bed.command("report " + REPORTS + " offline", STEP);
            System.out.println("offline reported patches: " + reported);

            bed.killEdge(); // SIGKILL, with everything still queued
            long opensBefore = bed.moduleOpens();
            bed.startEdge(); // still offline: authentication and the twin GET come from the caches
            await().atMost(STEP).until(() -> bed.moduleOpens() > opensBefore);
            await().atMost(STEP).until(() -> bed.metric("edgehub_queue_length", "endpoint=\"$upstream\"") == COUNT);

            // A desired patch made at the hub while the edge cannot reach it: the hub runs on other ports for a
            // moment, so the edge's reconnect cannot race the patch (same data directory, so same twins).
            String token = UUID.randomUUID().toString();
            try (HubServer decoy = bed.startHub(OfflineBed.freePort(InetAddress.getLoopbackAddress()),
                    OfflineBed.freePort(InetAddress.getLoopbackAddress()))) {
                HubServiceClient s = HubServiceClient.create(decoy.serviceConnectionString(), decoy.caCertificatePem());
                s.patchTwin(DEVICE, MODULE, Json.parseObject(
                        "{\"properties\":{\"desired\":{\"whileOffline\":\"" + token + "\"}}}"), null);
            }
            assertThat(bed.desiredLog()).doesNotContain(token);

            long hubBack = System.nanoTime();
            bed.startHub();
            try (EventTally tally = new EventTally(bed.service(), DEVICE, MODULE)) {
                await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500))
                        .until(() -> tally.distinct("offline") == COUNT);
                long reconnectMs = TimeUnit.NANOSECONDS.toMillis(tally.firstArrivalNanos("offline") - hubBack);
                long drainMs = TimeUnit.NANOSECONDS.toMillis(
                        tally.lastArrivalNanos("offline") - tally.firstArrivalNanos("offline"));
                await().atMost(STEP).until(() -> bed.metric("edgehub_queue_length", "endpoint=\"$upstream\"") == 0);
                Thread.sleep(1000); // late duplicates, if any, are counted too
                EventTally.Figures f = tally.analyse("offline", COUNT);
                System.out.printf("EdgeHubOfflineIT: %d messages sent offline in %d ms (%.0f msg/s, PUBACK = stored);"
                                + " the hub got the first %d ms after its start, all in %d more ms (%.0f msg/s); events %d, distinct %d,"
                                + " duplicates %d, out of order %d, lost %d; failed upstream sends (retried) %.0f%n",
                        COUNT, sendMs, COUNT * 1000.0 / Math.max(1, sendMs), reconnectMs, drainMs,
                        COUNT * 1000.0 / Math.max(1, drainMs), f.events(), f.distinct(), f.duplicates(),
                        f.outOfOrder(), f.lost(), bed.metric("edgehub_messages_retried_total", ""));
                assertThat(f.lost()).as("lost").isZero();
                String arrivals = tally.arrivals("offline");
                assertThat(f.outOfOrder()).as("out of order; arrivals begin %s",
                        arrivals.substring(0, Math.min(2000, arrivals.length()))).isZero();
                assertThat(f.unexpected()).as("events without seq").isZero();
                assertThat(f.maxSeq()).isEqualTo(COUNT - 1);
            }

            // reported patches made offline are in the hub's module twin
            await().atMost(STEP).untilAsserted(() -> {
                JsonNode r = bed.service().getTwin(DEVICE, MODULE).at("/properties/reported");
                assertThat(r.at("/offline/last").asInt(-1)).isEqualTo(REPORTS - 1);
                for (int i = 0; i < REPORTS; i++) {
                    assertThat(r.at("/offline/p" + i).asInt(-1)).isEqualTo(i);
                }
                assertThat(r.at("/online/last").asInt(-1)).isZero();
            });
            // the desired patch made while the edge was offline reaches the module after the reconnect
            await().atMost(STEP).until(() -> bed.desiredLog().contains(token));
        }
    }
}
