package dev.brink.infra.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCommitWriterTest {
    private static final String CLOSED = "The test store is closed";

    @TempDir
    Path dir;
    String url;
    GroupCommitWriter<Kv> writer;
    ReaderPool<Kv> readers;
    final List<String> groupEvents = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() throws Exception {
        url = ConnectionSettings.url(dir.resolve("test.db"));
        SqlSession session = ConnectionSettings.TUNED.openWriter(url);
        SchemaMigrations.migrate(session, Kv.SCHEMA);
        writer = new GroupCommitWriter<>(session, new Kv(session), new WriterOptions("test-store", 500, CLOSED,
                "commit failed: "), new GroupListener() {
                    @Override
                    public void committed() {
                        groupEvents.add("committed");
                    }

                    @Override
                    public void rolledBack() {
                        groupEvents.add("rolledBack");
                    }
                });
        readers = new ReaderPool<>(url, ConnectionSettings.TUNED, 4, Kv::new, CLOSED);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        writer.close();
        readers.close();
        writer.closeSession();
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
            int submitter = w;
            submitters.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < perWriter; i++) {
                    String id = "w" + submitter + "-" + i;
                    boolean fail = i % 5 == 0;
                    futures.put(id, writer.submit(tx -> {
                        tx.put(id, 1); // written, then rolled back when the task fails
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
                assertThat(future.handle((v, e) -> e.getCause() == null ? e : e.getCause()).join())
                        .isSameAs(thrown.get(id)); // passes through unchanged
            } else {
                assertThat(future.join()).isEqualTo(id);
            }
        });
        readers.read(kv -> {
            futures.keySet().forEach(id -> assertThat(kv.get(id).isPresent()).as(id).isEqualTo(!thrown.containsKey(id)));
            assertThat(kv.count()).isEqualTo(writers * perWriter * 4 / 5);
            return null;
        });
        assertThat(groupEvents).doesNotContain("rolledBack");
    }

    @Test
    void concurrentReadModifyWriteLosesNothing() throws Exception {
        writer.submit(tx -> {
            tx.put("counter", 0);
            return null;
        }).join();
        int threads = 8;
        int perThread = 200;
        List<CompletableFuture<Long>> futures = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            submitters.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perThread; i++) {
                    futures.add(writer.submit(tx -> {
                        long next = tx.get("counter").orElseThrow() + 1;
                        tx.put("counter", next);
                        return next;
                    }));
                }
            }, pool));
        }
        CompletableFuture.allOf(submitters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(futures.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(threads * perThread);
        assertThat(get("counter")).contains((long) threads * perThread);
    }

    @Test
    void futuresCompleteInSubmissionOrderAfterTheCommit() throws Exception {
        int n = 5000;
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            CompletableFuture<Integer> f = writer.submit(tx -> {
                tx.put("k" + index, index);
                return index;
            });
            futures.add(f.whenComplete((v, e) -> {
                // Completed only after the group is committed: a new reader sees the row.
                assertThat(get("k" + index)).contains((long) index);
                completed.add(v);
            }));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertThat(completed).containsExactlyElementsOf(expected);
        assertThat(groupEvents).contains("committed");
    }

    @Test
    void aFailedCommitFailsTheWholeGroupAndTellsTheListener() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        CompletableFuture<Object> blocker = writer.submit(tx -> {
            started.countDown();
            await(hold); // the next three queue up meanwhile and run as one group
            return null;
        });
        await(started);
        CompletableFuture<Object> good = writer.submit(tx -> {
            tx.put("good", 1);
            return "good";
        });
        CompletableFuture<Object> saboteur = writer.submit(tx -> {
            tx.sabotage();
            return "sabotaged";
        });
        CompletableFuture<Object> after = writer.submit(tx -> "after");
        hold.countDown();
        blocker.join();
        for (CompletableFuture<Object> f : List.of(good, saboteur, after)) {
            assertThat(f).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(BrinkException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.ServerError);
                        assertThat(e.getMessage()).startsWith("commit failed: ");
                    });
        }
        assertThat(groupEvents).containsExactly("committed", "rolledBack");
        assertThat(get("good")).isEmpty();
        // The writer carries on.
        assertThat(writer.submit(tx -> {
            tx.put("later", 2);
            return "ok";
        }).join()).isEqualTo("ok");
    }

    @Test
    void writingFromInsideAWriteTaskIsRefusedInsteadOfDeadlocking() {
        CompletableFuture<Object> f = writer.submit(tx -> writer.submit(inner -> null));
        assertThat(f).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeFinishesQueuedWritesThenRefusesWithServiceUnavailable() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String id = "d" + i;
            futures.add(writer.submit(tx -> {
                tx.put(id, 0);
                return null;
            }));
        }
        writer.close();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(readers.read(Kv::count)).isEqualTo(2000);
        assertThat(writer.submit(tx -> null)).failsWithin(1, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(BrinkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable);
                    assertThat(e.getMessage()).isEqualTo(CLOSED);
                });
        writer.close(); // idempotent
    }

    @Test
    void closeStopsTheWriterThreads() {
        AtomicInteger before = new AtomicInteger(threads("other-"));
        SqlSession session;
        try {
            session = ConnectionSettings.durable(1000).openWriter(ConnectionSettings.url(dir.resolve("other.db")));
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        var other = new GroupCommitWriter<>(session, session, new WriterOptions("other-", 10, CLOSED, "x"));
        other.submit(s -> null).join();
        assertThat(threads("other-")).isGreaterThan(before.get());
        other.close();
        other.closeSession();
        assertThat(threads("other-")).isEqualTo(before.get());
    }

    @Test
    void aLingeringWriterRunsNoTaskBeforeItIsOldEnoughAndGroupsThoseThatAre() throws Exception {
        List<Long> groupStarts = new java.util.concurrent.CopyOnWriteArrayList<>();
        GroupListener counting = new GroupListener() {
            @Override
            public void begun() {
                groupStarts.add(System.nanoTime());
            }

            @Override
            public void committed() {
            }

            @Override
            public void rolledBack() {
            }
        };
        long linger = TimeUnit.MILLISECONDS.toNanos(300);
        var lingering = kvWriter("l.db",
                new WriterOptions("lingering", 500, CLOSED, "commit failed: ").lingering(300_000), counting);
        try {
            long t0 = System.nanoTime();
            CompletableFuture<String> a = put(lingering, "a");
            CompletableFuture<String> b = put(lingering, "b"); // as old as "a": same group
            Thread.sleep(150); // half the linger: "c" is too young for the group of "a" and "b"
            long t2 = System.nanoTime();
            CompletableFuture<String> c = put(lingering, "c");
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("a");
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo("b");
            assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("c");
            assertThat(groupStarts).hasSize(2);
            assertThat(groupStarts.get(0) - t0).as("first group not before its tasks are 300 ms old")
                    .isGreaterThanOrEqualTo(linger);
            assertThat(groupStarts.get(1) - t2).as("second group not before \"c\" is 3/4 of 300 ms old")
                    .isGreaterThanOrEqualTo(linger * 3 / 4);
        } finally {
            stop(lingering);
        }
    }

    private static CompletableFuture<String> put(GroupCommitWriter<Kv> writer, String key) {
        return writer.submit(tx -> {
            tx.put(key, 1);
            return key;
        });
    }

    @Test
    void completingOnTheWriterRunsCallbacksThereAfterTheCommitAndStartsNoAckThread() throws Exception {
        int acksBefore = threads("on-writer-ack");
        var onWriter = kvWriter("w.db",
                new WriterOptions("on-writer", 500, CLOSED, "commit failed: ", false).completingOnWriter(),
                GroupListener.NONE);
        try {
            assertThat(threads("on-writer-ack")).isEqualTo(acksBefore);
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            CountDownLatch hold = new CountDownLatch(1); // every callback is attached before its task completes
            onWriter.submit(tx -> {
                await(hold);
                return null;
            });
            for (int i = 0; i < 50; i++) {
                String key = "k" + i;
                done.add(onWriter.submit(tx -> {
                    tx.put(key, 1);
                    return key;
                }).thenAccept(k -> seen.add(k + "@" + Thread.currentThread().getName())));
            }
            hold.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(seen).hasSize(50).allSatisfy(s -> assertThat(s).endsWith("@on-writer-writer"));
            assertThat(seen.stream().map(s -> s.substring(0, s.indexOf('@'))).toList())
                    .as("in submission order").isEqualTo(java.util.stream.IntStream.range(0, 50)
                            .mapToObj(i -> "k" + i).toList());
            // A callback that writes again is refused rather than deadlocking the writer (the latch makes sure
            // the callback is attached before the task completes, so it runs on the writer).
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Throwable> nested = onWriter.submit(tx -> {
                await(release);
                return "x";
            }).thenCompose(x -> onWriter.submit(tx -> "y")).handle((v, e) -> unwrap(e));
            release.countDown();
            assertThat(nested.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        } finally {
            stop(onWriter);
        }
    }

    @Test
    void withoutIsolationAFailingTaskRollsBackItsWholeGroupAndLaterGroupsStillCommit() throws Exception {
        var unisolated = kvWriter("u.db", new WriterOptions("unisolated-", 500, CLOSED, "commit failed: ", false),
                GroupListener.NONE);
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> first = unisolated.submit(tx -> {
                started.countDown();
                await(release); // holds the writer, so the next three queue up as one group
                tx.put("a", 1);
                return "a";
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            BrinkException refusal = new BrinkException(ErrorCode.PreconditionFailed, "no c");
            CompletableFuture<String> b = unisolated.submit(tx -> {
                tx.put("b", 1);
                return "b";
            });
            CompletableFuture<String> c = unisolated.submit(tx -> {
                tx.put("c", 1);
                throw refusal;
            });
            CompletableFuture<String> d = unisolated.submit(tx -> {
                tx.put("d", 1);
                return "d";
            });
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("a");
            assertThat(c.handle((v, e) -> unwrap(e)).get(30, TimeUnit.SECONDS)).isSameAs(refusal);
            for (CompletableFuture<String> other : List.of(b, d)) {
                assertThat(other.handle((v, e) -> unwrap(e)).get(30, TimeUnit.SECONDS))
                        .isInstanceOfSatisfying(BrinkException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServerError));
            }
            assertThat(unisolated.submit(tx -> {
                tx.put("e", 1);
                return "e";
            }).get(30, TimeUnit.SECONDS)).isEqualTo("e");
            assertThat(unisolated.submit(tx -> List.of("a", "b", "c", "d", "e").stream()
                    .filter(k -> tx.get(k).isPresent()).toList()).get(30, TimeUnit.SECONDS))
                    .containsExactly("a", "e");
        } finally {
            stop(unisolated);
        }
    }

    /** A writer of its own on {@code file} in the test's directory, with the key-value schema. */
    private GroupCommitWriter<Kv> kvWriter(String file, WriterOptions options, GroupListener listener)
            throws SQLException {
        SqlSession session = ConnectionSettings.durable(1000).openWriter(ConnectionSettings.url(dir.resolve(file)));
        SchemaMigrations.migrate(session, Kv.SCHEMA);
        return new GroupCommitWriter<>(session, new Kv(session), options, listener);
    }

    private static void stop(GroupCommitWriter<?> writer) {
        writer.close();
        writer.closeSession();
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private Optional<Long> get(String key) {
        return readers.read(kv -> kv.get(key));
    }

    private static int threads(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
