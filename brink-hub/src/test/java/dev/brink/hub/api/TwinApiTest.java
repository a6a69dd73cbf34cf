package dev.brink.hub.api;

import static dev.brink.hub.api.Api.errorCode;
import static dev.brink.hub.api.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device and module twins over real HTTPS: GET, PATCH (also as POST + override), PUT, If-Match, limits. */
class TwinApiTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = Api.startHub();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HttpResponse<String> patch(String path, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("X-HTTP-Method-Override", "PATCH"));
        all.addAll(List.of(headers));
        return hub.send("POST", path, body, all.toArray(String[]::new));
    }

    @Test
    void newTwinHasServiceSideShape() {
        JsonNode device = json(hub.send("PUT", "/devices/shape1", "{}"));
        HttpResponse<String> r = hub.send("GET", "/twins/shape1", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode twin = json(r);
        assertThat(twin.path("deviceId").asText()).isEqualTo("shape1");
        assertThat(twin.has("moduleId")).isFalse();
        assertThat(twin.path("deviceEtag").asText()).isEqualTo(device.path("etag").asText());
        assertThat(twin.path("status").asText()).isEqualTo("enabled");
        assertThat(twin.path("connectionState").asText()).isEqualTo("Disconnected");
        assertThat(twin.path("authenticationType").asText()).isEqualTo("sas");
        assertThat(twin.path("capabilities").path("iotEdge").asBoolean()).isFalse();
        assertThat(twin.path("version").asLong()).isEqualTo(1);
        assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(1);
        assertThat(twin.path("properties").path("reported").path("$version").asLong()).isEqualTo(1);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + twin.path("etag").asText() + "\"");
    }

    @Test
    void patchMergesTagsAndDesiredViaMethodOverride() {
        hub.send("PUT", "/devices/patch1", "{}");
        HttpResponse<String> first = patch("/twins/patch1",
                "{\"tags\":{\"site\":{\"city\":\"Oslo\",\"floor\":2}},\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":true}}}}");
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode twin = json(first);
        assertThat(twin.path("tags").path("site").path("city").asText()).isEqualTo("Oslo");
        assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(2);

        HttpResponse<String> second = hub.send("PATCH", "/twins/patch1",
                "{\"tags\":{\"site\":{\"floor\":null}},\"properties\":{\"desired\":{\"b\":{\"d\":\"x\"},\"a\":null}}}");
        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode merged = json(second);
        assertThat(merged.path("tags").path("site").has("floor")).isFalse();
        assertThat(merged.path("tags").path("site").path("city").asText()).isEqualTo("Oslo");
        JsonNode desired = merged.path("properties").path("desired");
        assertThat(desired.has("a")).isFalse();
        assertThat(desired.path("b").path("c").asBoolean()).isTrue();
        assertThat(desired.path("b").path("d").asText()).isEqualTo("x");
        assertThat(desired.path("$version").asLong()).isEqualTo(3);
        assertThat(merged.path("etag").asText()).isNotEqualTo(twin.path("etag").asText());
        assertThat(json(hub.send("GET", "/twins/patch1", null))).isEqualTo(merged);
    }

    @Test
    void desiredListenersHearCommittedChanges() {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.hub().twins().addDesiredListener((key, patch) -> heard.add(key + " " + patch));
        hub.send("PUT", "/devices/listen1", "{}");
        patch("/twins/listen1", "{\"tags\":{\"only\":\"tags\"}}");
        patch("/twins/listen1", "{\"properties\":{\"desired\":{\"x\":1}}}");
        assertThat(heard).filteredOn(s -> s.startsWith("/devices/listen1 ")).hasSize(1);
        JsonNode patch = dev.brink.core.json.Json.parse(heard.stream()
                .filter(s -> s.startsWith("/devices/listen1 ")).findFirst().orElseThrow().substring(17));
        assertThat(patch.path("x").asInt()).isEqualTo(1);
        assertThat(patch.path("$version").asLong()).isEqualTo(2);
    }

    @Test
    void ifMatchGuardsTwinWrites() {
        hub.send("PUT", "/devices/etag1", "{}");
        String etag = json(hub.send("GET", "/twins/etag1", null)).path("etag").asText();
        HttpResponse<String> ok = patch("/twins/etag1", "{\"tags\":{\"t\":1}}", "If-Match", "\"" + etag + "\"");
        assertThat(ok.statusCode()).isEqualTo(200);

        HttpResponse<String> stale = patch("/twins/etag1", "{\"tags\":{\"t\":2}}", "If-Match", "\"" + etag + "\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(errorCode(stale)).isEqualTo(412001);
        HttpResponse<String> staleReplace = hub.send("PUT", "/twins/etag1", "{\"tags\":{}}", "If-Match", etag);
        assertThat(errorCode(staleReplace)).isEqualTo(412001);

        String current = json(ok).path("etag").asText();
        assertThat(patch("/twins/etag1", "{\"tags\":{\"t\":3}}", "If-Match", current).statusCode()).isEqualTo(200);
        assertThat(patch("/twins/etag1", "{\"tags\":{\"t\":4}}", "If-Match", "*").statusCode()).isEqualTo(200);
        assertThat(json(hub.send("GET", "/twins/etag1", null)).path("tags").path("t").asInt()).isEqualTo(4);
    }

    @Test
    void putReplacesTagsAndDesired() {
        hub.send("PUT", "/devices/replace1", "{}");
        patch("/twins/replace1", "{\"tags\":{\"old\":1},\"properties\":{\"desired\":{\"old\":1}}}");
        HttpResponse<String> r = hub.send("PUT", "/twins/replace1",
                "{\"tags\":{\"new\":2},\"properties\":{\"desired\":{\"new\":2}}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode twin = json(r);
        assertThat(twin.path("tags").has("old")).isFalse();
        assertThat(twin.path("tags").path("new").asInt()).isEqualTo(2);
        assertThat(twin.path("properties").path("desired").has("old")).isFalse();
        assertThat(twin.path("properties").path("desired").path("new").asInt()).isEqualTo(2);
    }

    @Test
    void moduleTwins() {
        hub.send("PUT", "/devices/mt1", "{}");
        hub.send("PUT", "/devices/mt1/modules/filter", "{}");
        HttpResponse<String> r = patch("/twins/mt1/modules/filter", "{\"properties\":{\"desired\":{\"threshold\":30}}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode twin = json(r);
        assertThat(twin.path("moduleId").asText()).isEqualTo("filter");
        assertThat(twin.path("properties").path("desired").path("threshold").asInt()).isEqualTo(30);
        assertThat(json(hub.send("GET", "/twins/mt1", null)).path("properties").path("desired").has("threshold"))
                .isFalse();

        assertThat(errorCode(hub.send("GET", "/twins/mt1/modules/none", null))).isEqualTo(404010);
        assertThat(errorCode(hub.send("GET", "/twins/nodevice", null))).isEqualTo(404001);
        assertThat(errorCode(patch("/twins/nodevice/modules/x", "{}"))).isEqualTo(404010);
    }

    @Test
    void rejectsInvalidBodiesAndLimits() {
        hub.send("PUT", "/devices/limits1", "{}");
        HttpResponse<String> badJson = patch("/twins/limits1", "{\"tags\":");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(errorCode(badJson)).isEqualTo(400004);
        assertThat(errorCode(patch("/twins/limits1", "[1,2]"))).isEqualTo(400004);

        String tooLong = "x".repeat(5000);
        HttpResponse<String> longString = patch("/twins/limits1",
                "{\"properties\":{\"desired\":{\"s\":\"" + tooLong + "\"}}}");
        assertThat(longString.statusCode()).isEqualTo(400);
        assertThat(errorCode(longString)).isEqualTo(400004);

        StringBuilder deep = new StringBuilder("{\"properties\":{\"desired\":");
        deep.append("{\"a\":".repeat(12)).append("1").append("}".repeat(12)).append("}}");
        assertThat(errorCode(patch("/twins/limits1", deep.toString()))).isEqualTo(400004);

        StringBuilder bigTags = new StringBuilder("{\"tags\":{");
        for (int i = 0; i < 10; i++) {
            bigTags.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"").append("y".repeat(1000)).append('"');
        }
        assertThat(errorCode(patch("/twins/limits1", bigTags.append("}}").toString()))).isEqualTo(400004);
        // nothing of the rejected writes is visible
        assertThat(json(hub.send("GET", "/twins/limits1", null)).path("version").asLong()).isEqualTo(1);
    }

    @Test
    void concurrentPatchesAreNeverLost() throws Exception {
        hub.send("PUT", "/devices/busy", "{}");
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        HttpResponse<String> r = patch("/twins/busy",
                                "{\"properties\":{\"desired\":{\"k" + thread + "_" + i + "\":" + i + "}}}");
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode desired = json(hub.send("GET", "/twins/busy", null)).path("properties").path("desired");
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(desired.path("k" + t + "_" + i).asInt(-1)).isEqualTo(i);
            }
        }
        assertThat(desired.path("$version").asLong()).isEqualTo(1 + threads * perThread);
    }
}
