package dev.brink.edge.hub.store;

import static dev.brink.edge.hub.store.StoreTesting.UPSTREAM;
import static dev.brink.edge.hub.store.StoreTesting.ids;
import static dev.brink.edge.hub.store.StoreTesting.input;
import static dev.brink.edge.hub.store.StoreTesting.message;
import static dev.brink.edge.hub.store.StoreTesting.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.route.OverflowPolicy;
import dev.brink.core.route.StoreAndForwardSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk bound at a small size, with both overflow policies. */
class StoreOverflowTest {
    private static final long BOUND = 20_000;

    @TempDir
    Path dir;

    private SqliteMessageStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void open(OverflowPolicy policy) {
        store = SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME),
                new StoreAndForwardSettings(-1, BOUND, policy), Clock.systemUTC());
    }

    @Test
    void refuseTellsTheSenderAndLosesNothingAccepted() throws Exception {
        open(OverflowPolicy.REFUSE);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        List<Throwable> refusals = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String id = "m" + i;
                all.add(CompletableFuture.supplyAsync(() -> store.append(message(id, 1024), List.of(upstream())),
                        senders).thenCompose(f -> f).whenComplete((v, e) -> {
                            if (e == null) {
                                accepted.add(id);
                            } else {
                                synchronized (refusals) {
                                    refusals.add(e);
                                }
                            }
                        }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        } finally {
            senders.shutdown();
            assertThat(senders.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(accepted).hasSizeBetween(10, 20);
        assertThat(refusals).hasSize(100 - accepted.size()).allSatisfy(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            assertThat(cause).isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("maxStoreSizeBytes=" + BOUND).hasMessageContaining("'refuse'");
        });
        assertThat(store.stats().storedBytes()).isLessThanOrEqualTo(BOUND);
        assertThat(ids(store.peek(UPSTREAM, 1000))).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(store.stats().dropped()).containsEntry("overflow", 0L);

        // Delivering makes room again.
        List<QueuedMessage> queued = store.peek(UPSTREAM, 3);
        store.remove(UPSTREAM, queued.stream().map(QueuedMessage::entryId).toList()).join();
        store.append(message("after", 1024), List.of(upstream())).join();
        assertThat(ids(store.peek(UPSTREAM, 1000))).contains("after").hasSize(accepted.size() - 2);
    }

    @Test
    void aMessageLargerThanTheWholeBoundIsRefusedUnderBothPolicies() {
        open(OverflowPolicy.DROP_OLDEST);
        store.append(message("small", 10), List.of(upstream())).join();
        assertThatThrownBy(() -> store.append(message("huge", 30_000), List.of(upstream())).join())
                .cause().isInstanceOf(StoreFullException.class).hasMessageContaining("larger than the whole store bound");
        assertThat(ids(store.peek(UPSTREAM, 10))).containsExactly("small");
    }

    @Test
    void dropOldestDropsTheOldestAndCountsThem() {
        open(OverflowPolicy.DROP_OLDEST);
        for (int i = 0; i < 100; i++) {
            store.append(message("m" + i, 1024), List.of(upstream(), input("m", "i"))).join();
        }
        List<String> kept = ids(store.peek(UPSTREAM, 1000));
        assertThat(kept).isNotEmpty().hasSizeLessThan(20).endsWith("m99");
        int first = Integer.parseInt(kept.get(0).substring(1));
        List<String> expected = new ArrayList<>();
        for (int i = first; i < 100; i++) {
            expected.add("m" + i);
        }
        assertThat(kept).as("the newest, contiguous, in order").isEqualTo(expected);
        assertThat(ids(store.peek("/modules/m/inputs/i", 1000))).isEqualTo(expected);
        assertThat(store.stats().storedBytes()).isLessThanOrEqualTo(BOUND);
        assertThat(store.stats().dropped()).containsEntry("overflow", 2L * first);
    }
}
