package dev.brink.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SqliteSessionStoreTest {
    @TempDir
    Path dir;

    @Test
    void subscriptionsSurviveAReopenAndClearForgetsOneClient() throws Exception {
        Path file = dir.resolve("edgehub").resolve(SqliteSessionStore.FILE_NAME);
        try (SqliteSessionStore store = SqliteSessionStore.open(file)) {
            assertThat(store.load("edge1/filter")).isEmpty();
            store.add("edge1/filter", Map.of("devices/edge1/modules/filter/inputs/#", 1,
                    "$iothub/methods/POST/#", 0)).get(10, TimeUnit.SECONDS);
            store.add("edge1/filter", Map.of("$iothub/methods/POST/#", 1)).get(10, TimeUnit.SECONDS); // QoS upgrade
            store.add("child1", Map.of("$iothub/twin/res/#", 0)).get(10, TimeUnit.SECONDS);
            store.remove("child1", List.of("$iothub/twin/res/#", "never/subscribed")).get(10, TimeUnit.SECONDS);
        }
        try (SqliteSessionStore store = SqliteSessionStore.open(file)) {
            assertThat(store.load("edge1/filter")).containsExactly(Map.entry("$iothub/methods/POST/#", 1),
                    Map.entry("devices/edge1/modules/filter/inputs/#", 1));
            assertThat(store.load("child1")).isEmpty();
            store.clear("edge1/filter");
            assertThat(store.load("edge1/filter")).isEmpty();
        }
        try (SqliteSessionStore store = SqliteSessionStore.open(file)) {
            assertThat(store.load("edge1/filter")).isEmpty();
        }
    }

    @Test
    void concurrentAddsAreAllDurable() throws Exception {
        Path file = dir.resolve(SqliteSessionStore.FILE_NAME);
        try (SqliteSessionStore store = SqliteSessionStore.open(file)) {
            CompletableFuture.allOf(IntStream.range(0, 200).mapToObj(i -> store.add("edge1/m" + i,
                    Map.of("devices/edge1/modules/m" + i + "/inputs/#", 1))).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
        }
        try (SqliteSessionStore store = SqliteSessionStore.open(file)) {
            for (int i = 0; i < 200; i++) {
                assertThat(store.load("edge1/m" + i)).containsOnlyKeys("devices/edge1/modules/m" + i + "/inputs/#");
            }
        }
    }
}
