package dev.brink.edge.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.core.route.EdgeHubConfigException;
import dev.brink.core.route.MessageSource;
import dev.brink.core.route.RouteException;
import dev.brink.core.route.RouteSink;
import dev.brink.core.route.RouteSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MessageRouterTest {

    private static final String UP = "$upstream";
    private static final String FILTER_IN = "/modules/filter/inputs/in1";

    private static MessageRouter router(String desiredJson) {
        MessageRouter router = new MessageRouter();
        router.apply(Json.parse(desiredJson.replace('\'', '"')));
        return router;
    }

    private static Message leaf() {
        return Message.builder().body("{}").connectionDeviceId("leaf1").build();
    }

    private static Message fromModule(String module, String output) {
        return Message.builder().body("{\"t\":40}").contentType("application/json").contentEncoding("utf-8")
                .connectionDeviceId("edge1").connectionModuleId(module).outputName(output).build();
    }

    private static List<String> ids(List<RoutedEndpoint> endpoints) {
        return endpoints.stream().map(RoutedEndpoint::endpointId).toList();
    }

    @Test
    void matchesBySource() {
        MessageRouter router = router("""
                {'schemaVersion': '1.0', 'routes': {
                  'sensorToFilter': 'FROM /messages/modules/sensor/outputs/temp INTO BrokeredEndpoint(\\'/modules/filter/inputs/in1\\')',
                  'filterUp': 'FROM /messages/modules/filter/* INTO $upstream',
                  'leafOnly': 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO BrokeredEndpoint(\\'/modules/audit/inputs/leaf\\')'
                }}""");
        assertThat(ids(router.route(fromModule("sensor", "temp")))).containsExactly(FILTER_IN);
        assertThat(ids(router.route(fromModule("Sensor", "TEMP")))).containsExactly(FILTER_IN);
        assertThat(ids(router.route(fromModule("sensor", "humidity")))).isEmpty();
        assertThat(ids(router.route(fromModule("filter", "out")))).containsExactly(UP);
        assertThat(ids(router.route(fromModule("filter", null)))).containsExactly(UP);
        assertThat(ids(router.route(fromModule("filter2", "out")))).isEmpty();
        assertThat(ids(router.route(leaf()))).containsExactly("/modules/audit/inputs/leaf");
        assertThat(router.route(leaf(), MessageSource.TWIN_CHANGE_NOTIFICATION)).isEmpty();
        assertThat(router.routes().endpoints()).extracting(RouteSink::endpointId)
                .containsExactly(FILTER_IN, UP, "/modules/audit/inputs/leaf");
    }

    @Test
    void noRouteGivesAnEmptyList() {
        assertThat(new MessageRouter().route(leaf())).isEmpty();
        MessageRouter router = router("{'schemaVersion': '1.1', 'routes': {'r': 'FROM /twinChangeNotifications INTO $upstream'}}");
        assertThat(router.route(leaf())).isEmpty();
        assertThat(router.route(fromModule("a", "b"))).isEmpty();
    }

    @Test
    void conditionsSelectMessages() {
        MessageRouter router = router("""
                {'schemaVersion': '1.1', 'routes': {
                  'hot': 'FROM /messages/modules/* WHERE $body.t > 30 INTO $upstream',
                  'cold': 'FROM /messages/modules/* WHERE $body.t <= 30 INTO BrokeredEndpoint(\\'/modules/filter/inputs/in1\\')'
                }}""");
        assertThat(ids(router.route(fromModule("sensor", "temp")))).containsExactly(UP);
        Message cold = fromModule("sensor", "temp").toBuilder().body("{\"t\":3}").build();
        assertThat(ids(router.route(cold))).containsExactly(FILTER_IN);
        Message notJson = fromModule("sensor", "temp").toBuilder().contentType("text/plain").build();
        assertThat(router.route(notJson)).isEmpty();
    }

    @Test
    void severalRoutesToOneEndpointGiveOneEntryWithHighestPriorityAndLongestTtl() {
        MessageRouter router = router("""
                {'schemaVersion': '1.1', 'routes': {
                  'all': {'route': 'FROM /messages/* INTO $upstream', 'priority': 5, 'timeToLiveSecs': 86400},
                  'alerts': {'route': 'FROM /messages/* WHERE $body.t > 30 INTO $upstream', 'priority': 1, 'timeToLiveSecs': 60},
                  'copy': {'route': 'FROM /messages/* INTO BrokeredEndpoint(\\'/modules/filter/inputs/in1\\')'}
                 },
                 'storeAndForwardConfiguration': {'timeToLiveSecs': 7200}}""");
        List<RoutedEndpoint> hot = router.route(fromModule("sensor", "temp"));
        assertThat(hot).containsExactly(
                new RoutedEndpoint(RouteSink.UPSTREAM, 1, 86400),
                new RoutedEndpoint(new RouteSink.ModuleInput("filter", "in1"), RouteSpec.DEFAULT_PRIORITY, 7200));
        Message cool = fromModule("sensor", "temp").toBuilder().body("{\"t\":1}").build();
        assertThat(router.route(cool).get(0)).isEqualTo(new RoutedEndpoint(RouteSink.UPSTREAM, 5, 86400));
    }

    @Test
    void neverExpiringTtlWinsAMerge() {
        MessageRouter router = router("""
                {'schemaVersion': '1.1', 'routes': {
                  'a': {'route': 'FROM /* INTO $upstream', 'priority': 0, 'timeToLiveSecs': 10},
                  'b': {'route': 'FROM /* INTO $upstream', 'priority': 3}
                 },
                 'storeAndForwardConfiguration': {'timeToLiveSecs': -1}}""");
        RoutedEndpoint up = router.route(leaf()).get(0);
        assertThat(up.priority()).isZero();
        assertThat(up.neverExpires()).isTrue();
        assertThat(up.expiresAt(Instant.EPOCH)).isEqualTo(Instant.MAX);
        assertThat(new RoutedEndpoint(RouteSink.UPSTREAM, 0, 10).expiresAt(Instant.EPOCH))
                .isEqualTo(Instant.ofEpochSecond(10));
    }

    @Test
    void invalidConfigurationKeepsTheOldRoutes() {
        MessageRouter router = router("{'schemaVersion': '1.1', 'routes': {'up': 'FROM /messages/* INTO $upstream'}}");
        RouteSet before = router.routes();
        assertThatThrownBy(() -> router.apply(Json.parse("""
                {"schemaVersion": "1.1", "routes": {"up": "FROM /messages/* INTO $upstream",
                 "bad": "FROM /messages/* INTO BrokeredEndpoint(\\"/modules/x\\")"}}""")))
                .isInstanceOfSatisfying(RouteException.class, e -> assertThat(e.routeName()).isEqualTo("bad"));
        assertThatThrownBy(() -> router.apply(Json.parse("{\"schemaVersion\": \"9\"}")))
                .isInstanceOf(EdgeHubConfigException.class);
        assertThat(router.routes()).isSameAs(before);
        assertThat(ids(router.route(leaf()))).containsExactly(UP);
        RouteSet next = router.apply(Json.parse("""
                {"schemaVersion": "1.1", "routes": {"toFilter": "FROM /* INTO BrokeredEndpoint('/modules/filter/inputs/in1')"}}"""));
        assertThat(router.routes()).isSameAs(next);
        assertThat(ids(router.route(leaf()))).containsExactly(FILTER_IN);
    }

    @Test
    void singleMatchesReuseThePrecompiledEndpoint() {
        MessageRouter router = router("{'schemaVersion': '1.1', 'routes': {'up': 'FROM /* INTO $upstream'}}");
        assertThat(router.route(leaf()).get(0)).isSameAs(router.route(leaf()).get(0));
    }

    /** Readers racing with swaps always see one whole set: either both endpoints of A or the one of B. */
    @Test
    void swapIsAtomicForConcurrentReaders() throws Exception {
        RouteSet a = router("""
                {'schemaVersion': '1.1', 'routes': {'r1': 'FROM /* INTO $upstream',
                 'r2': 'FROM /* INTO BrokeredEndpoint(\\'/modules/filter/inputs/in1\\')'}}""").routes();
        RouteSet b = router("{'schemaVersion': '1.1', 'routes': {'r3': 'FROM /* INTO BrokeredEndpoint(\\'/modules/b/inputs/x\\')'}}")
                .routes();
        MessageRouter router = new MessageRouter(a);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    int seen = 0;
                    Message m = leaf();
                    do {
                        List<String> got = ids(router.route(m));
                        assertThat(got).isIn(List.of(UP, FILTER_IN), List.of("/modules/b/inputs/x"));
                        seen++;
                    } while (!stop.get());
                    return seen;
                }));
            }
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            for (int i = 0; System.nanoTime() < end; i++) {
                router.replace(i % 2 == 0 ? b : a);
            }
            stop.set(true);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
