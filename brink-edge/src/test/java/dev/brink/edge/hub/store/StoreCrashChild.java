package dev.brink.edge.hub.store;

import dev.brink.core.route.StoreAndForwardSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link StoreCrashDurabilityTest}: appends messages from several threads as fast as the store
 * takes them and prints {@code ACK <messageId>} for each append whose future completed (the PUBACK moment), until
 * the parent kills it.
 */
public final class StoreCrashChild {
    private StoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        SqliteMessageStore store = SqliteMessageStore.open(Path.of(args[0]), StoreAndForwardSettings.DEFAULTS,
                Clock.systemUTC());
        AtomicInteger next = new AtomicInteger();
        Semaphore inFlight = new Semaphore(200);
        System.out.println("READY");
        for (int t = 0; t < 8; t++) {
            Thread appender = new Thread(() -> {
                while (true) {
                    String id = "m" + next.getAndIncrement();
                    inFlight.acquireUninterruptibly();
                    store.append(StoreTesting.message(id, 512), List.of(StoreTesting.upstream()))
                            .whenComplete((v, e) -> {
                                inFlight.release();
                                if (e == null) {
                                    System.out.println("ACK " + id); // System.out flushes on println
                                }
                            });
                }
            }, "appender-" + t);
            appender.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
