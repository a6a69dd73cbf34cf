package dev.brink.edge.hub.upstream;

import static dev.brink.edge.hub.upstream.UpstreamHub.CHILD;
import static dev.brink.edge.hub.upstream.UpstreamHub.EDGE;
import static dev.brink.edge.hub.upstream.UpstreamHub.MODULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.mqtt.MethodResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubUpstream} against a real in-process hub over MQTT/TLS: messages, twins, desired patches, methods. */
@Timeout(120)
class HubUpstreamTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static UpstreamHub hub;
    static HubUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        hub = new UpstreamHub(dir);
        upstream = HubUpstream.start(hub.settings(Duration.ofMinutes(10)), hub.childKeys());
        await().atMost(WAIT).until(upstream::isConnected);
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void sendAsModuleKeepsOutputNameAndEverySystemAndApplicationProperty() throws Exception {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message m = Message.builder().body("{\"t\":21}").messageId("mod-1").correlationId("corr-1").userId("user-1")
                .contentType("application/json").contentEncoding("utf-8").creationTimeUtc(created)
                .expiryTimeUtc(created.plus(Duration.ofHours(1))).outputName("out1").messageSchema("schema-1")
                .componentName("thermostat").interfaceId("dtmi:example:T;1").property("alert", "yes")
                .property("a b/c", "x=y&z").build();

        upstream.send(MODULE, m).get(20, TimeUnit.SECONDS);

        JsonNode event = await().atMost(WAIT).until(() -> hub.event("mod-1").orElse(null), e -> e != null);
        assertThat(event.get("deviceId").asText()).isEqualTo(EDGE);
        assertThat(event.get("moduleId").asText()).isEqualTo("filter");
        assertThat(event.get("body").asText()).isEqualTo("{\"t\":21}");
        Map<String, String> system = UpstreamHub.map(event.get("systemProperties"));
        assertThat(system).containsEntry("$.mid", "mod-1").containsEntry("$.cid", "corr-1")
                .containsEntry("$.uid", "user-1").containsEntry("$.ct", "application/json")
                .containsEntry("$.ce", "utf-8").containsEntry("$.on", "out1").containsEntry("$.schema", "schema-1")
                .containsEntry("$.sub", "thermostat").containsEntry("$.ifid", "dtmi:example:T;1")
                .containsEntry("$.cdid", EDGE).containsEntry("$.cmid", "filter")
                .containsKeys("$.ctime", "$.exp");
        assertThat(Instant.parse(system.get("$.ctime"))).isEqualTo(created);
        assertThat(Instant.parse(system.get("$.exp"))).isEqualTo(created.plus(Duration.ofHours(1)));
        assertThat(UpstreamHub.map(event.get("applicationProperties")))
                .containsEntry("alert", "yes").containsEntry("a b/c", "x=y&z");
    }

    @Test
    void sendAsChildDeviceUsesTheChildsOwnIdentity() throws Exception {
        upstream.send(CHILD, Message.builder().body("hello").messageId("child-1").property("k", "v").build())
                .get(20, TimeUnit.SECONDS);

        JsonNode event = await().atMost(WAIT).until(() -> hub.event("child-1").orElse(null), e -> e != null);
        assertThat(event.get("deviceId").asText()).isEqualTo(CHILD.deviceId());
        assertThat(event.get("moduleId").isNull()).isTrue();
        assertThat(event.at("/systemProperties/$.cdid").asText()).isEqualTo(CHILD.deviceId());
        assertThat(event.at("/applicationProperties/k").asText()).isEqualTo("v");
        assertThat(upstream.connectedIdentities()).contains(CHILD, upstream.self());
    }

    @Test
    void manySendsInFlightOnOneConnectionAllComplete() throws Exception {
        List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            sends.add(upstream.send(MODULE, Message.builder().body("n" + i).messageId("burst-" + i).build()));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(hub.event("burst-1999")).isPresent();
    }

    @Test
    void unknownChildFailsWithATypedError() {
        CompletableFuture<Void> f = upstream.send(IdentityKey.device("stranger"), Message.of("x"));
        assertThat(f).failsWithin(Duration.ofSeconds(20)).withThrowableThat().havingRootCause()
                .isInstanceOf(BrinkException.class)
                .satisfies(e -> assertThat(((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized));
    }

    @Test
    void twinGetAndReportedPatchPerIdentity() throws Exception {
        long version = upstream.patchReported(MODULE, Json.object().put("temp", 42)).get(20, TimeUnit.SECONDS);
        assertThat(version).isPositive();
        JsonNode twin = upstream.getTwin(MODULE).get(20, TimeUnit.SECONDS);
        assertThat(twin.at("/reported/temp").asInt()).isEqualTo(42);
        assertThat(twin.at("/reported/$version").asLong()).isEqualTo(version);
        assertThat(twin.has("desired")).isTrue();
        assertThat(hub.service.getTwin(EDGE, "filter").at("/properties/reported/temp").asInt()).isEqualTo(42);

        upstream.patchReported(CHILD, Json.object().put("battery", 80)).get(20, TimeUnit.SECONDS);
        assertThat(hub.service.getTwin(CHILD.deviceId(), null).at("/properties/reported/battery").asInt())
                .isEqualTo(80);
        assertThat(upstream.getTwin(CHILD).get(20, TimeUnit.SECONDS).at("/reported/battery").asInt()).isEqualTo(80);
    }

    @Test
    void desiredPatchThroughRestReachesOnDesiredOfAnActivatedIdentity() {
        List<Map.Entry<IdentityKey, ObjectNode>> received = new CopyOnWriteArrayList<>();
        upstream.onDesired((who, patch) -> received.add(Map.entry(who, patch)));
        upstream.activate(CHILD);
        int[] n = {0};
        // Patch until one arrives: the subscription is made in the background after activate().
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            hub.service.patchTwin(CHILD.deviceId(), null, Json.parseObject(
                    "{\"properties\":{\"desired\":{\"rate\":" + (++n[0]) + "}}}"), null);
            return !received.isEmpty();
        });
        assertThat(received.get(0).getKey()).isEqualTo(CHILD);
        assertThat(received.get(0).getValue().has("rate")).isTrue();
        assertThat(received.get(0).getValue().has("$version")).isTrue();
    }

    @Test
    void methodThroughRestIsRelayedAndAnswered() {
        upstream.onMethod((target, name, payload) -> switch (name) {
            case "echo" -> CompletableFuture.completedFuture(new MethodResult(201,
                    Json.object().put("target", target.toString()).set("got", payload)));
            case "offline" -> CompletableFuture.failedFuture(new BrinkException(ErrorCode.DeviceNotOnline, "gone"));
            case "slow" -> CompletableFuture.failedFuture(new BrinkException(ErrorCode.GatewayTimeout, "too slow"));
            default -> throw new IllegalStateException("boom");
        });
        upstream.activate(MODULE);

        JsonNode answer = hub.service.invokeMethod(EDGE, "filter", "echo", Json.object().put("n", 7), 10, 20);
        assertThat(answer.get("status").asInt()).isEqualTo(201);
        assertThat(answer.at("/payload/target").asText()).isEqualTo(MODULE.toString());
        assertThat(answer.at("/payload/got/n").asInt()).isEqualTo(7);

        JsonNode offline = hub.service.invokeMethod(EDGE, "filter", "offline", null, 10, 20);
        assertThat(offline.get("status").asInt()).isEqualTo(404);
        assertThat(offline.at("/payload/errorCode").asInt()).isEqualTo(404103);
        JsonNode slow = hub.service.invokeMethod(EDGE, "filter", "slow", null, 10, 20);
        assertThat(slow.get("status").asInt()).isEqualTo(504);
        assertThat(slow.at("/payload/errorCode").asInt()).isEqualTo(504101);
        assertThat(hub.service.invokeMethod(EDGE, "filter", "other", null, 10, 20).get("status").asInt())
                .isEqualTo(500);
    }
}
