package dev.brink.hub.api;

import static dev.brink.hub.api.Api.errorCode;
import static dev.brink.hub.api.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /devices/query over real HTTPS: paging by x-ms-max-item-count / x-ms-continuation, WHERE, projections, aggregates. */
class QueryApiTest {
    private static final int DEVICES = 25;
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = Api.startHub();
        for (int i = 0; i < DEVICES; i++) {
            String id = String.format("q%02d", i);
            hub.send("PUT", "/devices/" + id, "{}");
            String env = i % 5 == 0 ? "prod" : "test";
            hub.send("PATCH", "/twins/" + id, "{\"tags\":{\"env\":\"" + env + "\",\"n\":" + i + "}}");
        }
        hub.send("PUT", "/devices/q00/modules/sensor", "{}");
        hub.send("PUT", "/devices/q01/modules/sensor", "{}");
        hub.send("PUT", "/devices/q01/modules/other", "{}");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HttpResponse<String> query(String sql, Integer pageSize, String continuation) {
        List<String> headers = new ArrayList<>();
        if (pageSize != null) {
            headers.addAll(List.of("x-ms-max-item-count", pageSize.toString()));
        }
        if (continuation != null) {
            headers.addAll(List.of("x-ms-continuation", continuation));
        }
        String body = Json.write(Json.object().put("query", sql));
        return hub.send("POST", "/devices/query", body, headers.toArray(String[]::new));
    }

    /** Follows continuation tokens to the end; returns the pages. */
    private static List<JsonNode> allPages(String sql, int pageSize) {
        List<JsonNode> pages = new ArrayList<>();
        String continuation = null;
        do {
            HttpResponse<String> r = query(sql, pageSize, continuation);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            pages.add(json(r));
            continuation = r.headers().firstValue("x-ms-continuation").orElse(null);
            assertThat(pages).hasSizeLessThan(100);
        } while (continuation != null);
        return pages;
    }

    @Test
    void pagesThroughAllTwins() {
        HttpResponse<String> first = query("SELECT * FROM devices", 10, null);
        assertThat(first.headers().firstValue("x-ms-item-type")).hasValue("Twin");
        List<JsonNode> pages = allPages("SELECT * FROM devices", 10);
        assertThat(pages).extracting(JsonNode::size).containsExactly(10, 10, 5);
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> ids.addAll(p.findValuesAsText("deviceId")));
        assertThat(ids).hasSize(DEVICES).doesNotHaveDuplicates().isSorted();
        JsonNode twin = pages.get(0).get(0);
        assertThat(twin.path("etag").asText()).isNotEmpty();
        assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(1);
    }

    @Test
    void defaultPageHoldsEverythingAndOmitsContinuation() {
        HttpResponse<String> r = query("SELECT * FROM devices", null, null);
        assertThat(json(r)).hasSize(DEVICES);
        assertThat(r.headers().firstValue("x-ms-continuation")).isEmpty();
    }

    @Test
    void whereOnTags() {
        List<JsonNode> pages = allPages("SELECT * FROM devices WHERE tags.env = 'prod'", 2);
        assertThat(pages).extracting(JsonNode::size).containsExactly(2, 2, 1);
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> ids.addAll(p.findValuesAsText("deviceId")));
        assertThat(ids).containsExactly("q00", "q05", "q10", "q15", "q20");
        assertThat(json(query("SELECT * FROM devices WHERE tags.n >= 23", null, null))
                .findValuesAsText("deviceId")).containsExactly("q23", "q24");
    }

    @Test
    void topIsRespectedAcrossPages() {
        List<JsonNode> pages = allPages("SELECT TOP 15 * FROM devices", 10);
        assertThat(pages).extracting(JsonNode::size).containsExactly(10, 5);
        List<JsonNode> exact = allPages("SELECT TOP 10 * FROM devices", 10);
        assertThat(exact).extracting(JsonNode::size).containsExactly(10);
    }

    @Test
    void projectionsAreRaw() {
        HttpResponse<String> r = query("SELECT deviceId, tags.env FROM devices WHERE tags.n < 3", null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-ms-item-type")).hasValue("Raw");
        JsonNode rows = json(r);
        assertThat(rows).hasSize(3);
        assertThat(rows.findValuesAsText("deviceId")).containsExactly("q00", "q01", "q02");
        assertThat(rows.get(0).has("properties")).isFalse();
    }

    @Test
    void aggregates() {
        JsonNode count = json(query("SELECT COUNT() AS numberOfDevices FROM devices", null, null));
        assertThat(count).hasSize(1);
        assertThat(count.get(0).path("numberOfDevices").asInt()).isEqualTo(DEVICES);

        String grouped = "SELECT tags.env, COUNT() AS n FROM devices GROUP BY tags.env";
        List<JsonNode> pages = allPages(grouped, 1);
        assertThat(pages).extracting(JsonNode::size).containsExactly(1, 1);
        int total = pages.stream().mapToInt(p -> p.get(0).path("n").asInt()).sum();
        assertThat(total).isEqualTo(DEVICES);
    }

    @Test
    void modules() {
        JsonNode rows = json(query("SELECT * FROM devices.modules WHERE moduleId = 'sensor'", null, null));
        assertThat(rows.findValuesAsText("deviceId")).containsExactly("q00", "q01");
        assertThat(rows.findValuesAsText("moduleId")).containsOnly("sensor");
        List<JsonNode> pages = allPages("SELECT * FROM devices.modules", 2);
        assertThat(pages).extracting(JsonNode::size).containsExactly(2, 1);
    }

    @Test
    void rejectsBadRequests() {
        assertThat(errorCode(query("SELEKT * FROM devices", null, null))).isEqualTo(400004);
        assertThat(errorCode(query("SELECT * FROM devices", 10, "garbage!"))).isEqualTo(400004);
        assertThat(errorCode(query("SELECT * FROM devices", 0, null))).isEqualTo(400004);
        String token = query("SELECT * FROM devices", 10, null).headers().firstValue("x-ms-continuation").orElseThrow();
        assertThat(errorCode(query("SELECT deviceId FROM devices", 10, token))).isEqualTo(400004);
        assertThat(errorCode(hub.send("POST", "/devices/query", "{\"sql\":1}"))).isEqualTo(400004);
        assertThat(errorCode(hub.send("POST", "/devices/query", "{"))).isEqualTo(400004);
    }
}
