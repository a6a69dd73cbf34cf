package dev.brink.edge.hub.delivery;

import static dev.brink.edge.hub.store.StoreTesting.UPSTREAM;
import static dev.brink.edge.hub.store.StoreTesting.message;
import static dev.brink.edge.hub.store.StoreTesting.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.hub.store.QueuedMessage;
import dev.brink.edge.hub.store.SqliteMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pumps over a real store: order, back-off, link restored, wake, duplicates after a failure mid-window. */
class EndpointPumpsTest {
    @TempDir
    Path dir;

    private SqliteMessageStore store;
    private EndpointPumps pumps;

    /** A receiver on the far side of a link: what arrived, when each send was attempted, and when to fail. */
    private static final class Link implements EndpointSender {
        final List<String> received = new ArrayList<>();
        final List<String> attempts = new ArrayList<>();
        final List<Long> attemptNanos = new ArrayList<>();
        volatile Predicate<String> arrives = id -> true;
        volatile Predicate<String> acknowledged = id -> true;
        /** 0: answers at once; else the answer comes this much later, as a PUBACK over a real link would. */
        volatile long answerAfterMs;

        @Override
        public synchronized CompletableFuture<Void> send(QueuedMessage message) {
            String id = message.message().messageId();
            attempts.add(id);
            attemptNanos.add(System.nanoTime());
            if (arrives.test(id)) {
                received.add(id);
            }
            boolean ok = acknowledged.test(id);
            if (answerAfterMs == 0) {
                return ok ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(new java.io.IOException("link down"));
            }
            return CompletableFuture.runAsync(() -> {
                if (!ok) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("link down"));
                }
            }, CompletableFuture.delayedExecutor(answerAfterMs, TimeUnit.MILLISECONDS));
        }

        @Override
        public synchronized String toString() {
            return "attempts " + attempts + ", received " + received;
        }

        synchronized List<String> received() {
            return List.copyOf(received);
        }

        synchronized List<Long> attemptsOf(String id) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < attempts.size(); i++) {
                if (attempts.get(i).equals(id)) {
                    times.add(attemptNanos.get(i));
                }
            }
            return times;
        }
    }

    @BeforeEach
    void open() {
        store = SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME), StoreAndForwardSettings.DEFAULTS,
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (pumps != null) {
            pumps.close();
        }
        store.close();
    }

    private List<String> append(int n) {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("m" + i);
            all.add(store.append(message("m" + i, 100), List.of(upstream())));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return ids;
    }

    @Test
    void failsTwiceThenDeliversInOrderAfterBackingOff() {
        List<String> sent = append(20);
        Link link = new Link();
        int[] failuresLeft = {2};
        boolean[] down = {false};
        // The link goes down on m0 twice; while down every send fails; the third m0 brings it up.
        link.acknowledged = id -> {
            if (id.equals("m0")) {
                down[0] = failuresLeft[0]-- > 0;
            }
            return !down[0];
        };
        link.arrives = id -> !down[0];
        pumps = new EndpointPumps(store);
        pumps.register(UPSTREAM, link);

        await().atMost(20, TimeUnit.SECONDS).until(() -> link.received().size() == 20);
        assertThat(link.received()).isEqualTo(sent);
        List<Long> m0 = link.attemptsOf("m0");
        assertThat(m0).hasSize(3);
        assertThat(Duration.ofNanos(m0.get(1) - m0.get(0))).isBetween(Duration.ofMillis(950), Duration.ofMillis(1900));
        assertThat(Duration.ofNanos(m0.get(2) - m0.get(1))).isBetween(Duration.ofMillis(1950), Duration.ofMillis(3900));
        // A failure answered at once stops the round: only m0 was sent again, twice.
        assertThat(pumps.retriedMessages()).as("every resend counts as a possible duplicate").isEqualTo(2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.endpointsWithEntries().isEmpty());
        assertThat(pumps.deliveredMessages()).isEqualTo(20);
    }

    @Test
    void linkRestoredCutsTheBackOffShort() {
        List<String> sent = append(5);
        Link link = new Link();
        boolean[] up = {false};
        link.acknowledged = id -> up[0];
        link.arrives = id -> up[0];
        pumps = new EndpointPumps(store, PumpOptions.DEFAULTS.withBackoff(Duration.ofSeconds(30),
                Duration.ofSeconds(60)));
        pumps.register(UPSTREAM, link);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !link.attemptsOf("m0").isEmpty());

        up[0] = true;
        long restoredAt = System.nanoTime();
        pumps.linkRestored();
        await().atMost(5, TimeUnit.SECONDS).until(() -> link.received().size() == 5);
        assertThat(link.received()).isEqualTo(sent);
        assertThat(Duration.ofNanos(link.attemptsOf("m0").get(1) - restoredAt)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void wakeSendsNewMessagesAtOnce() throws InterruptedException {
        Link link = new Link();
        pumps = new EndpointPumps(store, PumpOptions.DEFAULTS.withIdlePoll(Duration.ofSeconds(60)));
        pumps.register(UPSTREAM, link);
        Thread.sleep(300); // the pump found nothing and waits (its safety-net poll is a minute away)

        List<String> sent = append(3);
        pumps.wake(UPSTREAM);
        await().atMost(5, TimeUnit.SECONDS).until(() -> link.received().size() == 3);
        assertThat(link.received()).isEqualTo(sent);
    }

    @Test
    void failureMidWindowResendsFromTheFailedOneAndCountsTheDuplicates() {
        List<String> sent = append(10);
        Link link = new Link();
        link.answerAfterMs = 50; // the whole window is out before the first answer
        boolean[] firstRound = {true};
        // First round: m0 and m1 acknowledged; m2-m5 arrive but their acknowledgements are lost; m6-m9 never arrive.
        link.acknowledged = id -> !firstRound[0] || id.equals("m0") || id.equals("m1");
        link.arrives = id -> {
            boolean lost = firstRound[0] && id.compareTo("m6") >= 0;
            if (id.equals("m9")) {
                firstRound[0] = false;
            }
            return !lost;
        };
        pumps = new EndpointPumps(store, PumpOptions.DEFAULTS.withBackoff(Duration.ofMillis(100),
                Duration.ofSeconds(1)));
        pumps.register(UPSTREAM, link);

        await().atMost(10, TimeUnit.SECONDS).failFast(() -> link.attempts.size() > 30)
                .until(() -> link.received().size() >= 14);
        assertThat(link.received()).as(link.toString()).containsExactly("m0", "m1", "m2", "m3", "m4", "m5",
                "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(new LinkedHashSet<>(link.received())).containsExactlyElementsOf(sent);
        assertThat(pumps.retriedMessages()).isEqualTo(8);
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.endpointsWithEntries().isEmpty());
    }

    @Test
    void registerQueuedStartsPumpsForWhatWasQueuedBeforeARestart() {
        append(3);
        store.append(message("in", 10), List.of(dev.brink.edge.hub.store.StoreTesting.input("m", "i"))).join();
        Link link = new Link();
        pumps = new EndpointPumps(store);
        List<String> started = pumps.registerQueued(endpoint -> endpoint.equals(UPSTREAM) ? link : null);
        assertThat(started).containsExactly(UPSTREAM);
        await().atMost(5, TimeUnit.SECONDS).until(() -> link.received().size() == 3);
    }
}
