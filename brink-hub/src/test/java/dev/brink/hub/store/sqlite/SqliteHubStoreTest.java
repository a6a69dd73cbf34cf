package dev.brink.hub.store.sqlite;

import static dev.brink.hub.store.sqlite.StoreFixtures.device;
import static dev.brink.hub.store.sqlite.StoreFixtures.identity;
import static dev.brink.hub.store.sqlite.StoreFixtures.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.twin.TwinDocument;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.RegistryRepository.DeviceCounts;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteHubStoreTest {
    @TempDir
    Path dir;
    Path file;
    SqliteHubStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("data/hub.db");
        store = SqliteHubStore.open(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private <T> T write(dev.brink.hub.store.HubStore.WriteTask<T> task) {
        return store.write(task).join();
    }

    private Optional<Identity> findIdentity(IdentityKey key) {
        return store.read(v -> v.registry().find(key));
    }

    private Optional<TwinDocument> findTwin(IdentityKey key) {
        return store.read(v -> v.twins().find(key));
    }

    private List<Identity> listDevices(String after, int limit) {
        return store.read(v -> v.registry().listDevices(after, limit));
    }

    private List<Identity> listModules(String deviceId) {
        return store.read(v -> v.registry().listModules(deviceId));
    }

    private DeviceCounts counts() {
        return store.read(v -> v.registry().countDevices());
    }

    @Test
    void identityRoundTripsWithEveryField() {
        Identity full = new Identity(IdentityKey.module("d1", "m1"), "g", "e", Identity.ENABLED, "why",
                StoreFixtures.T0, "selfSigned", null, null, "AB01", "CD02", true, "brink", "scope-1",
                List.of("p1", "p2"), Identity.CONNECTED, StoreFixtures.T0.plusMillis(1), null, 7);
        write(tx -> {
            tx.registry().put(full);
            return null;
        });
        assertThat(findIdentity(full.key())).contains(full);
        assertThat(findIdentity(IdentityKey.device("d1"))).isEmpty();
    }

    @Test
    void putReplacesAndDeleteReportsExistence() {
        write(tx -> {
            tx.registry().put(device("d1"));
            tx.registry().put(StoreFixtures.withCount(device("d1"), 3));
            return null;
        });
        assertThat(findIdentity(IdentityKey.device("d1")).orElseThrow()
                .cloudToDeviceMessageCount()).isEqualTo(3);
        assertThat((boolean) write(tx -> tx.registry().delete(IdentityKey.device("d1")))).isTrue();
        assertThat((boolean) write(tx -> tx.registry().delete(IdentityKey.device("d1")))).isFalse();
        assertThat(findIdentity(IdentityKey.device("d1"))).isEmpty();
    }

    @Test
    void twinCrud() {
        IdentityKey key = IdentityKey.module("d1", "m1");
        TwinDocument patched = TwinDocument.empty().patchReported(Json.parse("{\"temp\":21}"), Instant.now()).twin();
        write(tx -> {
            tx.twins().put(key, patched);
            return null;
        });
        TwinDocument read = store.read(v -> v.twins().find(key)).orElseThrow();
        assertThat(read.version()).isEqualTo(patched.version());
        assertThat(read.toStorageJson()).isEqualTo(patched.toStorageJson());
        assertThat(findTwin(IdentityKey.device("d1"))).isEmpty();
        write(tx -> {
            tx.twins().delete(key);
            return null;
        });
        assertThat(findTwin(key)).isEmpty();
    }

    @Test
    void deletingADeviceRemovesItsModulesAndTheirTwins() {
        write(tx -> {
            for (String d : List.of("d1", "d2")) {
                tx.registry().put(device(d));
                tx.twins().put(IdentityKey.device(d), TwinDocument.empty());
                for (String m : List.of("m1", "m2")) {
                    tx.registry().put(module(d, m));
                    tx.twins().put(IdentityKey.module(d, m), TwinDocument.empty());
                }
            }
            return null;
        });
        write(tx -> {
            tx.registry().delete(IdentityKey.device("d1"));
            tx.twins().delete(IdentityKey.device("d1"));
            return null;
        });
        store.read(v -> {
            assertThat(v.registry().listModules("d1")).isEmpty();
            assertThat(v.twins().find(IdentityKey.module("d1", "m1"))).isEmpty();
            assertThat(v.twins().find(IdentityKey.device("d1"))).isEmpty();
            assertThat(v.registry().listModules("d2")).extracting(i -> i.key().moduleId()).containsExactly("m1", "m2");
            assertThat(v.twins().find(IdentityKey.module("d2", "m2"))).isPresent();
            return null;
        });
        // Deleting one module leaves its device and siblings alone.
        write(tx -> tx.registry().delete(IdentityKey.module("d2", "m1")));
        assertThat(listModules("d2")).extracting(i -> i.key().moduleId()).containsExactly("m2");
        assertThat(findIdentity(IdentityKey.device("d2"))).isPresent();
    }

    @Test
    void listDevicesPagesInIdOrderAndSkipsModules() {
        write(tx -> {
            for (int i = 24; i >= 0; i--) {
                String id = String.format("dev-%02d", i);
                tx.registry().put(device(id));
                tx.registry().put(module(id, "m"));
            }
            return null;
        });
        List<String> seen = new ArrayList<>();
        String after = null;
        while (true) {
            String from = after;
            List<Identity> page = listDevices(from, 10);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page).hasSizeLessThanOrEqualTo(10).allMatch(i -> !i.key().isModule());
            page.forEach(i -> seen.add(i.key().deviceId()));
            after = page.get(page.size() - 1).key().deviceId();
        }
        assertThat(seen).hasSize(25).isSorted().startsWith("dev-00").endsWith("dev-24");
    }

    @Test
    void countsDevicesByStatusIgnoringModules() {
        assertThat(counts()).isEqualTo(new DeviceCounts(0, 0, 0));
        write(tx -> {
            for (int i = 0; i < 7; i++) {
                tx.registry().put(identity(IdentityKey.device("d" + i), i < 2 ? Identity.DISABLED : Identity.ENABLED, 0));
                tx.registry().put(module("d" + i, "m"));
            }
            return null;
        });
        assertThat(counts()).isEqualTo(new DeviceCounts(7, 5, 2));
    }

    @Test
    void scanVisitsDevicesOrModulesInKeyOrderFromAfterKey() {
        int devices = SqliteTwinRepository.SCAN_BATCH + 150; // crosses a batch boundary
        write(tx -> {
            for (int i = devices - 1; i >= 0; i--) {
                String d = String.format("d%05d", i);
                tx.registry().put(device(d));
                tx.twins().put(IdentityKey.device(d), TwinDocument.empty());
                if (i % 100 == 0) {
                    for (String m : List.of("b", "a")) {
                        tx.registry().put(module(d, m));
                        tx.twins().put(IdentityKey.module(d, m), TwinDocument.empty());
                    }
                }
            }
            return null;
        });
        List<IdentityKey> all = scan(false, null, Integer.MAX_VALUE);
        assertThat(all).hasSize(devices).isSorted().allMatch(k -> !k.isModule());
        assertThat(scan(false, IdentityKey.device("d00499"), Integer.MAX_VALUE)).first().isEqualTo(IdentityKey.device("d00500"));
        assertThat(scan(false, null, 3)).hasSize(3); // visitor returning false stops the scan

        List<IdentityKey> modules = scan(true, null, Integer.MAX_VALUE);
        assertThat(modules).hasSize(2 * 12).isSorted().allMatch(IdentityKey::isModule);
        assertThat(scan(true, IdentityKey.module("d00100", "a"), 2))
                .containsExactly(IdentityKey.module("d00100", "b"), IdentityKey.module("d00200", "a"));
        assertThat(scan(true, IdentityKey.device("d00100"), 1)).containsExactly(IdentityKey.module("d00100", "a"));
    }

    private List<IdentityKey> scan(boolean modules, IdentityKey after, int max) {
        List<IdentityKey> keys = new ArrayList<>();
        store.read(v -> {
            v.twins().scan(modules, after, (identity, twin) -> {
                assertThat(twin.version()).isEqualTo(1);
                keys.add(identity.key());
                return keys.size() < max;
            });
            return null;
        });
        return keys;
    }

    @Test
    void reopenFindsEverythingAndAppliesMigrationsOnce() throws Exception {
        write(tx -> {
            tx.registry().put(device("d1"));
            tx.twins().put(IdentityKey.device("d1"), TwinDocument.empty());
            return null;
        });
        store.close();
        store = SqliteHubStore.open(file);
        assertThat(findIdentity(IdentityKey.device("d1"))).contains(device("d1"));
        assertThat(findTwin(IdentityKey.device("d1"))).isPresent();
        store.close();
        store = SqliteHubStore.open(file);

        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = c.createStatement().executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            List<Integer> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
            assertThat(versions).containsExactlyElementsOf(
                    HubSchema.STEPS.stream().map(dev.brink.infra.sqlite.Migration::version).toList());
        }
    }

    @Test
    void writesAfterCloseFailWithServiceUnavailable() {
        store.close();
        assertThatThrownBy(() -> store.write(tx -> null).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable));
        assertThatThrownBy(() -> store.read(v -> null)).isInstanceOfSatisfying(BrinkException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable));
        store.close(); // idempotent
    }

    @Test
    void closeFinishesQueuedWrites() {
        List<java.util.concurrent.CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String id = "d" + i;
            futures.add(store.write(tx -> {
                tx.registry().put(device(id));
                return null;
            }));
        }
        store.close();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        store = SqliteHubStore.open(file);
        assertThat(counts().total()).isEqualTo(2000);
    }

    @Test
    void closeStopsEveryStoreThread() {
        store.close();
        java.util.Set<Thread> before = storeThreads();
        SqliteHubStore other = SqliteHubStore.open(dir.resolve("other.db"));
        other.write(tx -> {
            tx.registry().put(device("d1"));
            return null;
        }).join();
        other.read(v -> v.registry().find(IdentityKey.device("d1")));
        assertThat(storeThreads()).hasSizeGreaterThan(before.size());
        other.close();
        assertThat(storeThreads()).isEqualTo(before);
    }

    private static java.util.Set<Thread> storeThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !t.getName().startsWith("brink-store") || !t.isAlive());
        return threads;
    }

    @Test
    void aReadTaskExceptionPassesThroughAndTheReaderIsReused() {
        BrinkException notFound = new BrinkException(ErrorCode.DeviceNotFound, "nope");
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> store.read(v -> {
                v.registry().find(IdentityKey.device("x"));
                throw notFound;
            })).isSameAs(notFound);
        }
        assertThat(counts().total()).isZero();
    }

    @Test
    void readViewsRefuseWrites() {
        assertThatThrownBy(() -> store.read(v -> {
            v.registry().put(device("d1"));
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsSeeOneSnapshot() throws Exception {
        write(tx -> {
            tx.registry().put(device("d1"));
            return null;
        });
        int[] counts = store.read(v -> {
            int before = v.registry().listDevices(null, 100).size();
            store.write(tx -> {
                tx.registry().put(device("d2"));
                return null;
            }).join();
            return new int[] {before, v.registry().listDevices(null, 100).size()};
        });
        assertThat(counts).containsExactly(1, 1);
        assertThat(listDevices(null, 100)).hasSize(2);
    }
}
