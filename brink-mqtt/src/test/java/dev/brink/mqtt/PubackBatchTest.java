package dev.brink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PUBACKs handed over in batches keep PUBLISH order (also when the backend completes out of order), run on the
 * connection's context, and stop at a failure.
 */
class PubackBatchTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void acknowledgesInOrderOnTheContext() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<Integer> acked = new CopyOnWriteArrayList<>();
        List<Boolean> onContext = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        PubackBatch batch = new PubackBatch(context, id -> {
            onContext.add(Vertx.currentContext() == context);
            acked.add(id);
            if (id == 5_000) {
                done.countDown();
            }
        }, why -> { });
        List<PubackBatch.Pending> tickets = expect(context, batch, 5_000);
        // Like a group commit: the store's completion thread completes many messages back to back.
        tickets.forEach(batch::completed);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(acked).hasSize(5_000).isSorted();
        assertThat(onContext).containsOnly(true);
    }

    @Test
    void outOfOrderCompletionsStillAcknowledgeInPublishOrder() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<Integer> acked = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2_000);
        PubackBatch batch = new PubackBatch(context, id -> {
            acked.add(id);
            done.countDown();
        }, why -> { });
        List<PubackBatch.Pending> tickets = new ArrayList<>(expect(context, batch, 2_000));
        Collections.shuffle(tickets, new Random(42));
        Thread a = new Thread(() -> tickets.subList(0, 1_000).forEach(batch::completed));
        Thread b = new Thread(() -> tickets.subList(1_000, 2_000).forEach(batch::completed));
        a.start();
        b.start();
        a.join();
        b.join();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(acked).hasSize(2_000).isSorted();
    }

    @Test
    void aFailureClosesAfterTheAcknowledgementsQueuedBeforeIt() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        PubackBatch batch = new PubackBatch(context, id -> events.add("ack " + id), why -> {
            events.add("fail " + why);
            failed.countDown();
        });
        List<PubackBatch.Pending> t = expect(context, batch, 4);
        batch.failed(t.get(2), "disk full");
        batch.completed(t.get(3)); // after the failure: never acknowledged
        Thread.sleep(50);
        assertThat(events).isEmpty(); // 1 and 2 are not durable yet: nothing may leave
        batch.completed(t.get(1));
        batch.completed(t.get(0));
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(events).containsExactly("ack 1", "ack 2", "fail disk full");
    }

    @Test
    void eachDrainFlushesOnceAfterItsAcknowledgementsAndBeforeAFailure() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        PubackBatch batch = new PubackBatch(context, id -> events.add("ack " + id), () -> events.add("flush"), why -> {
            events.add("fail " + why);
            failed.countDown();
        });
        List<PubackBatch.Pending> t = expect(context, batch, 5);
        // Completed before the drain runs (as a group commit does): one drain, one flush.
        context.runOnContext(v -> {
            batch.completed(t.get(0));
            batch.completed(t.get(1));
            batch.completed(t.get(2));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
        assertThat(events).containsExactly("ack 1", "ack 2", "ack 3", "flush");
        events.clear();
        context.runOnContext(v -> {
            batch.completed(t.get(3));
            batch.failed(t.get(4), "disk full");
        });
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("ack 4", "flush", "fail disk full");
    }

    /** Tickets for packet ids 1..n, taken on the context in PUBLISH order (as the connection does). */
    private static List<PubackBatch.Pending> expect(Context context, PubackBatch batch, int n) throws Exception {
        List<PubackBatch.Pending> tickets = new ArrayList<>();
        CountDownLatch taken = new CountDownLatch(1);
        context.runOnContext(v -> {
            for (int id = 1; id <= n; id++) {
                tickets.add(batch.expect(id));
            }
            taken.countDown();
        });
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        return tickets;
    }
}
