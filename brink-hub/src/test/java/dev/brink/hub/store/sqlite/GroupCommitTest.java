package dev.brink.hub.store.sqlite;

import static dev.brink.hub.store.sqlite.StoreFixtures.device;
import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.twin.TwinDocument;
import dev.brink.hub.registry.IdentityKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCommitTest {
    @TempDir
    Path dir;
    SqliteHubStore store;
    ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() {
        store = SqliteHubStore.open(dir.resolve("hub.db"));
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        store.close();
    }

    @Test
    void aFailingTaskRollsBackAloneAndKeepsItsException() throws Exception {
        int writers = 8;
        int perWriter = 250;
        Map<String, CompletableFuture<String>> futures = new ConcurrentHashMap<>();
        Map<String, BrinkException> thrown = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<?>> submitters = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            submitters.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < perWriter; i++) {
                    String id = "w" + writer + "-" + i;
                    boolean fail = i % 5 == 0;
                    futures.put(id, store.write(tx -> {
                        tx.registry().put(device(id)); // written, then rolled back when the task fails
                        if (fail) {
                            BrinkException e = new BrinkException(ErrorCode.PreconditionFailed, "no " + id);
                            thrown.put(id, e);
                            throw e;
                        }
                        return id;
                    }));
                }
            }, pool));
        }
        start.countDown();
        CompletableFuture.allOf(submitters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .get(60, TimeUnit.SECONDS);

        assertThat(futures).hasSize(writers * perWriter);
        assertThat(thrown).hasSize(writers * perWriter / 5);
        futures.forEach((id, future) -> {
            if (thrown.containsKey(id)) {
                assertThat(future).isCompletedExceptionally();
                assertThat(future.handle((v, e) -> e.getCause() == null ? e : e.getCause()).join())
                        .isSameAs(thrown.get(id)); // passes through unchanged
            } else {
                assertThat(future.join()).isEqualTo(id);
            }
        });
        store.read(v -> {
            futures.keySet().forEach(id -> assertThat(v.registry().find(IdentityKey.device(id)).isPresent())
                    .as(id).isEqualTo(!thrown.containsKey(id)));
            assertThat(v.registry().countDevices().total()).isEqualTo(writers * perWriter * 4 / 5);
            return null;
        });
    }

    @Test
    void concurrentReadModifyWriteLosesNothing() throws Exception {
        IdentityKey key = IdentityKey.device("counter");
        store.write(tx -> {
            tx.registry().put(device("counter"));
            tx.twins().put(key, TwinDocument.empty());
            return null;
        }).join();
        int threads = 8;
        int perThread = 200;
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<CompletableFuture<?>> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            submitters.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<Long> f = store.write(tx -> {
                        TwinDocument twin = tx.twins().find(key).orElseThrow();
                        long next = twin.reported().path("count").asLong() + 1;
                        tx.twins().put(key, twin.patchReported(Json.parse("{\"count\":" + next + "}"), Instant.now()).twin());
                        // The identity counter rides along: two rows changed per task, both atomically.
                        var identity = tx.registry().find(key).orElseThrow();
                        tx.registry().put(StoreFixtures.withCount(identity, identity.cloudToDeviceMessageCount() + 1));
                        return next;
                    });
                    synchronized (futures) {
                        futures.add(f);
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(submitters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(futures.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(threads * perThread);
        TwinDocument twin = store.read(v -> v.twins().find(key)).orElseThrow();
        assertThat(twin.reported().path("count").asLong()).isEqualTo(threads * perThread);
        assertThat(twin.version()).isEqualTo(1 + threads * perThread);
        assertThat(store.read(v -> v.registry().find(key)).orElseThrow().cloudToDeviceMessageCount())
                .isEqualTo(threads * perThread);
    }

    @Test
    void writingFromInsideAWriteTaskIsRefusedInsteadOfDeadlocking() {
        CompletableFuture<Object> f = store.write(tx -> store.write(inner -> null));
        assertThat(f).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOf(IllegalStateException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
