package dev.brink.hub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import dev.brink.hub.c2d.sqlite.SqliteCloudToDeviceStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The queue's rules over the real SQLite store: depth, expiry, delivery count, durability, ordering. */
@Timeout(60)
class DurableCloudToDeviceQueueTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private SqliteCloudToDeviceStore store;
    private DurableCloudToDeviceQueue queue;

    @BeforeEach
    void open() {
        store = SqliteCloudToDeviceStore.open(dir.resolve("c2d.db"));
        queue = new DurableCloudToDeviceQueue(store, clock);
    }

    @AfterEach
    void close() {
        queue.close();
        store.close();
    }

    private Message message(String id) {
        return Message.builder().body("body-" + id).messageId(id).to("/devices/d1/messages/deviceBound")
                .correlationId("c-" + id).property("color", "red").property("a&b=c", "x/y z+%").build();
    }

    private Instant inOneHour() {
        return clock.instant().plus(Duration.ofHours(1));
    }

    @Test
    void messagesComeBackInOrderWithTheirProperties() {
        queue.enqueue("d1", message("m1"), inOneHour());
        queue.enqueue("d1", message("m2"), inOneHour());
        queue.enqueue("d2", message("other"), inOneHour());

        List<PendingC2d> pending = queue.pending("d1");
        assertThat(pending).extracting(p -> p.message().messageId()).containsExactly("m1", "m2");
        Message m1 = pending.get(0).message();
        assertThat(m1.bodyAsString()).isEqualTo("body-m1");
        assertThat(m1.correlationId()).isEqualTo("c-m1");
        assertThat(m1.to()).isEqualTo("/devices/d1/messages/deviceBound");
        assertThat(m1.properties()).containsExactly(java.util.Map.entry("color", "red"),
                java.util.Map.entry("a&b=c", "x/y z+%"));
        assertThat(pending.get(0).deliveryCount()).isZero();
    }

    @Test
    void theQueueHoldsAtMostFiftyMessagesPerDevice() {
        for (int i = 0; i < DurableCloudToDeviceQueue.MAX_DEPTH; i++) {
            queue.enqueue("full", message("m" + i), inOneHour());
        }
        assertThatThrownBy(() -> queue.enqueue("full", message("one-too-many"), inOneHour()))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DeviceMaximumQueueDepthExceeded));
        queue.enqueue("other", message("fine"), inOneHour());

        // completing one makes room again
        queue.complete("full", queue.pending("full").get(0).id()).join();
        queue.enqueue("full", message("now-fits"), inOneHour());
        assertThat(queue.depth("full")).isEqualTo(DurableCloudToDeviceQueue.MAX_DEPTH);
    }

    @Test
    void expiredMessagesAreNeverDeliveredAndArePurged() {
        queue.enqueue("d1", message("short"), clock.instant().plusSeconds(10));
        queue.enqueue("d1", message("long"), inOneHour());
        clock.advance(Duration.ofSeconds(11));

        assertThat(queue.pending("d1")).extracting(p -> p.message().messageId()).containsExactly("long");
        assertThat(queue.depth("d1")).isEqualTo(1);
        assertThat(queue.purge()).containsEntry("d1", 1);
        clock.advance(Duration.ofHours(1));
        assertThat(queue.pending("d1")).isEmpty();
        // expired messages do not count towards the depth limit
        for (int i = 0; i < DurableCloudToDeviceQueue.MAX_DEPTH; i++) {
            queue.enqueue("d1", message("m" + i), inOneHour());
        }
    }

    @Test
    void completionRemovesTheMessageAndUnknownIdsAreIgnored() {
        queue.enqueue("d1", message("m1"), inOneHour());
        PendingC2d p = queue.pending("d1").get(0);
        queue.complete("d1", "not-a-number").join();
        queue.complete("d1", "424242").join();
        queue.complete("other-device", p.id()).join();
        assertThat(queue.pending("d1")).hasSize(1);
        queue.complete("d1", p.id()).join();
        assertThat(queue.pending("d1")).isEmpty();
    }

    @Test
    void deliveriesAreCountedAndAMessageIsGivenUpAfterOneHundred() {
        queue.enqueue("d1", message("stubborn"), inOneHour());
        queue.enqueue("d1", message("fine"), inOneHour());
        String id = queue.pending("d1").get(0).id();
        queue.delivering("d1", id);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.pending("d1").get(0).deliveryCount() == 1);
        for (int i = 1; i < DurableCloudToDeviceQueue.MAX_DELIVERIES; i++) {
            queue.delivering("d1", id);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queue.pending("d1"))
                .extracting(p -> p.message().messageId()).containsExactly("fine"));
        assertThat(queue.purge()).containsEntry("d1", 1);
    }

    @Test
    void messagesSurviveReopeningTheStore() {
        queue.enqueue("d1", message("m1"), inOneHour());
        queue.enqueue("d1", message("m2"), inOneHour());
        queue.complete("d1", queue.pending("d1").get(0).id()).join();
        close();
        open();
        assertThat(queue.pending("d1")).extracting(p -> p.message().messageId()).containsExactly("m2");
        // sequence ids are never reused, even after the newest message was completed and the store reopened
        String oldId = queue.pending("d1").get(0).id();
        queue.complete("d1", oldId).join();
        close();
        open();
        queue.enqueue("d1", message("m3"), inOneHour());
        assertThat(Long.parseLong(queue.pending("d1").get(0).id())).isGreaterThan(Long.parseLong(oldId));
    }

    @Test
    void listenersHearAboutEnqueuesAndDepthChanges() {
        List<String> enqueued = new ArrayList<>();
        AtomicReference<String> depthChanged = new AtomicReference<>();
        queue.onEnqueued(enqueued::add);
        queue.onDepthChanged(depthChanged::set);
        queue.enqueue("d7", message("m1"), inOneHour());
        assertThat(enqueued).containsExactly("d7");
        assertThat(depthChanged.get()).isEqualTo("d7");
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
