package dev.brink.edge.hub.delivery;

import static dev.brink.edge.hub.store.StoreTesting.input;
import static dev.brink.edge.hub.store.StoreTesting.message;
import static dev.brink.edge.hub.store.StoreTesting.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.route.RouteSink;
import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.hub.routing.RoutedEndpoint;
import dev.brink.edge.hub.store.SqliteMessageStore;
import dev.brink.mqtt.Deliveries.Delivery;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module inputs served to the protocol head from a real store. */
class ModuleInputDeliveriesTest {
    private static final IdentityKey FILTER = IdentityKey.module("edge", "filter");

    @TempDir
    Path dir;

    private SqliteMessageStore store;
    private ModuleInputDeliveries deliveries;

    @BeforeEach
    void open() {
        store = SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME), StoreAndForwardSettings.DEFAULTS,
                Clock.systemUTC());
        deliveries = new ModuleInputDeliveries("edge", store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<String> bodies(List<Delivery> ds) {
        return ds.stream().map(d -> new String(d.body())).toList();
    }

    @Test
    void pendingMergesTheModulesInputsInOrderWithTopicAndBag() {
        Message first = Message.builder().body("one").messageId("m1").outputName("out")
                .connectionDeviceId("edge").connectionModuleId("sensor").property("a b", "c/d").build();
        store.append(first, List.of(input("filter", "in1"), upstream())).join();
        store.append(Message.builder().body("two").messageId("m2").build(), List.of(input("filter", "in2"))).join();
        store.append(Message.builder().body("three").messageId("m3").build(), List.of(input("filter", "in1"))).join();
        store.append(Message.builder().body("urgent").messageId("m4").build(),
                List.of(new RoutedEndpoint(new RouteSink.ModuleInput("filter", "in2"), 0, -1))).join();
        store.append(message("other", 5), List.of(input("other", "x"))).join();

        List<Delivery> pending = deliveries.pending(FILTER);
        assertThat(bodies(pending)).containsExactly("urgent", "one", "two", "three");
        Delivery one = pending.get(1);
        assertThat(one.topic()).isEqualTo("devices/edge/modules/filter/inputs/in1/"
                + PropertyBag.encodeForDelivery(first));
        assertThat(one.topic()).contains("%24.mid=m1").contains("%24.on=out").contains("a%20b=c%2Fd");
        assertThat(one.id()).startsWith("/modules/filter/inputs/in1#");
        assertThat(pending.get(0).topic()).startsWith("devices/edge/modules/filter/inputs/in2/");

        assertThat(deliveries.pending(IdentityKey.module("edge", "other"))).hasSize(1);
        assertThat(deliveries.pending(IdentityKey.device("edge"))).isEmpty();
        assertThat(deliveries.pending(IdentityKey.module("another-edge", "filter"))).isEmpty();
    }

    @Test
    void acknowledgedRemovesOnlyThatEntryAndOnlyForItsModule() {
        store.append(message("m1", 5), List.of(input("filter", "in1"), upstream())).join();
        store.append(message("m2", 5), List.of(input("filter", "in1"))).join();
        List<Delivery> pending = deliveries.pending(FILTER);

        deliveries.acknowledged(IdentityKey.module("edge", "other"), pending.get(0).id()).join();
        assertThat(deliveries.pending(FILTER)).hasSize(2);

        deliveries.acknowledged(FILTER, pending.get(0).id()).join();
        List<Delivery> left = deliveries.pending(FILTER);
        assertThat(left).extracting(Delivery::id).containsExactly(pending.get(1).id());
        assertThat(store.peek("$upstream", 10)).hasSize(1); // the upstream copy is its own entry
        deliveries.acknowledged(FILTER, "/modules/filter/inputs/in1#not-a-number").join();
        deliveries.acknowledged(FILTER, left.get(0).id()).join();
        assertThat(deliveries.pending(FILTER)).isEmpty();
        deliveries.flushed().join();
        assertThat(store.endpointsWithEntries()).containsExactly("$upstream");
    }

    @Test
    void pendingLeavesOutWhatIsHandedOutAndKeepsTheWindow() {
        for (int i = 0; i < 5; i++) {
            store.append(message("m" + i, 5), List.of(input("filter", "in1"))).join();
        }
        List<Delivery> all = deliveries.pending(FILTER);
        assertThat(all).hasSize(5);
        Set<String> handedOut = Set.of(all.get(0).id(), all.get(2).id(), "/modules/other/inputs/x#1");
        assertThat(deliveries.pending(FILTER, handedOut)).extracting(Delivery::id)
                .containsExactly(all.get(1).id(), all.get(3).id(), all.get(4).id());

        Set<String> fullWindow = new HashSet<>();
        for (int i = 0; i < ModuleInputDeliveries.WINDOW; i++) {
            fullWindow.add("/modules/filter/inputs/in1#" + (1_000_000 + i));
        }
        assertThat(deliveries.pending(FILTER, fullWindow)).isEmpty(); // a window in flight already
    }

    @Test
    void acknowledgementsAreRecordedAtOnceAndRemovedInBatches() {
        int n = 500;
        for (int i = 0; i < n; i++) {
            store.append(message("m" + i, 5), List.of(input("filter", "in1"), upstream())).join();
        }
        List<Delivery> acked = new ArrayList<>();
        while (acked.size() < n) {
            List<Delivery> window = deliveries.pending(FILTER);
            assertThat(window).isNotEmpty();
            assertThat(acked).doesNotContainAnyElementsOf(window); // never listed again once acked
            for (Delivery d : window) {
                assertThat(deliveries.acknowledged(FILTER, d.id())).isDone();
                acked.add(d);
            }
        }
        assertThat(deliveries.pending(FILTER)).isEmpty();
        deliveries.flushed().join();
        assertThat(store.peek("/modules/filter/inputs/in1", 10)).isEmpty();
        assertThat(store.endpointsWithEntries()).containsExactly("$upstream");
        assertThat(store.peek("$upstream", n + 1)).hasSize(n); // the other endpoint's entries stay
    }
}
