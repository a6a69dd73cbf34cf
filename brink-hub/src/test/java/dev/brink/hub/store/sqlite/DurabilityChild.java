package dev.brink.hub.store.sqlite;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * Child process for {@link SqliteDurabilityTest}: writes identities forever, printing each id only once its
 * write future has completed (i.e. once the store promises it is on disk). The parent kills it with SIGKILL.
 */
public final class DurabilityChild {
    private DurabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        SqliteHubStore store = SqliteHubStore.open(Path.of(args[0]));
        Semaphore inFlight = new Semaphore(200);
        System.out.println("READY");
        System.out.flush();
        for (long i = 0; ; i++) {
            inFlight.acquire();
            String id = "dev-" + i;
            store.write(tx -> {
                tx.registry().put(StoreFixtures.device(id));
                return id;
            }).whenComplete((written, error) -> {
                inFlight.release();
                if (error == null) {
                    System.out.println(written);
                    System.out.flush();
                }
            });
        }
    }
}
