package dev.brink.hub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PUBACKs handed over in batches keep their order, run on the connection's context, and stop at a failure. */
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
        // Like a group commit: the log's completion thread completes many appends back to back.
        for (int id = 1; id <= 5_000; id++) {
            batch.add(id);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(acked).hasSize(5_000).isSorted();
        assertThat(onContext).containsOnly(true);
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
        batch.add(1);
        batch.add(2);
        batch.failed("disk full");
        batch.add(3); // after the failure: never acknowledged
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(events).containsExactly("ack 1", "ack 2", "fail disk full");
    }
}
