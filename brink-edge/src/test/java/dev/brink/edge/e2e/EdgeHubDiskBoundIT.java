package dev.brink.edge.e2e;

import static dev.brink.edge.e2e.OfflineBed.DEVICE;
import static dev.brink.edge.e2e.OfflineBed.MODULE;
import static dev.brink.edge.e2e.OfflineBed.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, "the disk bound reached": {@code $edgeHub} bounds the store to {@value #BOUND} bytes, the hub is down,
 * and a module sends 1 KB messages. With {@code refuse} the edge hub refuses once full (MQTT 3.1.1 has no negative
 * PUBACK: the connection is closed, the reason is logged and counted) and everything acknowledged before arrives
 * once the hub is back; with {@code dropOldest} the oldest are dropped (counted) and the newest arrive. Either way
 * the store's file shrinks again after the drain.
 */
class EdgeHubDiskBoundIT {
    static final long BOUND = 2_000_000;
    static final Duration STEP = Duration.ofSeconds(120);
    static final String QUEUE = "endpoint=\"$upstream\"";

    @TempDir
    Path dir;

    @Test
    void refusePolicyRefusesWhenFullAndLosesNothingAcknowledged() throws Exception {
        try (OfflineBed bed = offlineWithBound("refuse")) {
            // The sender stops at its first failed publish: brink-client fails a publish the edge hub refused (closed
            // the connection on) three times in a row, saying so, instead of resending it until its timeout.
            String sent = bed.command("send 100000 1000 20 refuse", Duration.ofMinutes(5));
            System.out.println("refuse: " + sent);
            assertThat(sent).contains("was refused");
            int acked = Integer.parseInt(field(sent, "acked"));
            assertThat(acked).isBetween(100, 99_999);
            assertThat(field(sent, "contiguous")).isEqualTo("true");
            assertThat(bed.metric("edgehub_messages_refused_total", "")).isGreaterThanOrEqualTo(1);
            assertThat(bed.metric("edgehub_store_bytes", "")).isLessThanOrEqualTo(BOUND);
            assertThat(bed.edgeLogs()).contains("Message store full").contains("maxStoreSizeBytes=" + BOUND);
            long peakFile = (long) bed.metric("edgehub_store_file_bytes", "");

            int queued = (int) bed.metric("edgehub_queue_length", QUEUE);
            assertThat(queued).isGreaterThanOrEqualTo(acked);
            long hubBack = System.nanoTime();
            bed.startHub();
            try (EventTally tally = new EventTally(bed.service(), DEVICE, MODULE)) {
                await().atMost(STEP).until(() -> bed.metric("edgehub_queue_length", QUEUE) == 0
                        && tally.distinct("refuse") >= acked);
                Thread.sleep(1000);
                EventTally.Figures f = tally.analyse("refuse", acked);
                System.out.printf("refuse: %d acknowledged (store bound %d bytes), %d queued, refused %.0f times;"
                                + " drained in %d ms; events %d, distinct %d, duplicates %d, lost %d; file %d -> %s bytes%n",
                        acked, BOUND, queued, bed.metric("edgehub_messages_refused_total", ""),
                        (tally.lastArrivalNanos("refuse") - hubBack) / 1_000_000, f.events(), f.distinct(), f.duplicates(),
                        f.lost(), peakFile, (long) bed.metric("edgehub_store_file_bytes", ""));
                assertThat(f.lost()).as("acknowledged but lost").isZero();
                assertThat(f.outOfOrder()).isZero();
                // nothing beyond what the module tried to send (a refused publish may be accepted on a later retry)
                assertThat(f.maxSeq()).isLessThan(acked + 20);
            }
            assertDiskUseFalls(bed, peakFile);
        }
    }

    @Test
    void dropOldestPolicyDropsTheOldestAndDeliversTheNewest() throws Exception {
        try (OfflineBed bed = offlineWithBound("dropOldest")) {
            int count = 5000; // about 3.5 times the bound at ~1.4 KB accounted per message
            String sent = bed.command("send " + count + " 1000 50 drop", Duration.ofMinutes(5));
            System.out.println("dropOldest: " + sent);
            assertThat(field(sent, "acked")).isEqualTo(Integer.toString(count));
            double dropped = bed.metric("edgehub_messages_dropped_total", "reason=\"overflow\"");
            assertThat(dropped).isGreaterThan(0);
            assertThat(bed.metric("edgehub_store_bytes", "")).isLessThanOrEqualTo(BOUND);
            int queued = (int) bed.metric("edgehub_queue_length", QUEUE);
            assertThat(queued + (int) dropped).isEqualTo(count);
            long peakFile = (long) bed.metric("edgehub_store_file_bytes", "");

            bed.startHub();
            try (EventTally tally = new EventTally(bed.service(), DEVICE, MODULE)) {
                await().atMost(STEP).until(() -> bed.metric("edgehub_queue_length", QUEUE) == 0
                        && tally.distinct("drop") >= queued);
                Thread.sleep(1000);
                EventTally.Figures f = tally.analyse("drop", count);
                System.out.printf("dropOldest: %d sent, %.0f dropped (overflow), %d queued; events %d, distinct %d,"
                                + " duplicates %d; file %d -> %d bytes%n", count, dropped, queued, f.events(),
                        f.distinct(), f.duplicates(), peakFile, (long) bed.metric("edgehub_store_file_bytes", ""));
                // the newest arrive: exactly the last `queued` seqs, in order
                assertThat(f.distinct()).isEqualTo(queued);
                assertThat(f.lost()).isEqualTo((int) dropped);
                assertThat(f.maxSeq()).isEqualTo(count - 1);
                assertThat(f.outOfOrder()).isZero();
                assertThat(tally.missing("drop", count - queued, count)).as("newest missing").isZero();
            }
            assertDiskUseFalls(bed, peakFile);
        }
    }

    /** Hub up, edge runtime (child JVM) and the sender deployed with the bound, then the hub stopped. */
    private OfflineBed offlineWithBound(String policy) throws Exception {
        OfflineBed bed = new OfflineBed(dir);
        try {
            bed.startEdge();
            ObjectNode snf = Json.object().put("timeToLiveSecs", 7200).put("maxStoreSizeBytes", BOUND)
                    .put("overflowPolicy", policy);
            bed.deploy(snf, 5);
            await().atMost(STEP).until(() -> bed.moduleOpens() >= 1);
            await().atMost(STEP).until(() -> {
                JsonNode twin = bed.service().getTwin(DEVICE, "$edgeHub").at("/properties");
                return twin.at("/reported/lastDesiredVersion").asLong(-1) == twin.at("/desired/$version").asLong()
                        && twin.at("/reported/lastDesiredStatus/code").asInt() == 200;
            });
            bed.stopHub();
            await().atMost(STEP).until(() -> bed.metric("edgehub_upstream_connected", "") == 0);
            return bed;
        } catch (Exception | Error e) {
            bed.close();
            throw e;
        }
    }

    private static void assertDiskUseFalls(OfflineBed bed, long peakFile) {
        await().atMost(STEP).untilAsserted(() -> {
            assertThat((long) bed.metric("edgehub_store_file_bytes", "")).isLessThan(peakFile / 4);
            assertThat(bed.messagesDbBytes()).isLessThan(peakFile / 4);
        });
    }
}
