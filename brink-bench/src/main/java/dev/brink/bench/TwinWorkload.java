package dev.brink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The requests of the twin benchmark against the hub's service REST API. Module twin number {@code k}
 * belongs to device {@code k / modulesPerDevice} and is module {@code "m" + (k % modulesPerDevice)};
 * its tags put it in site {@code "s" + (k % SITES)}, so {@code WHERE tags.site = 's42'} selects one twin in
 * a thousand wherever the population stops.
 */
final class TwinWorkload {
    static final int SITES = 1000;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration QUERY_TIMEOUT = Duration.ofMinutes(10);

    private final HttpLoadClient http;
    private final int modulesPerDevice;

    TwinWorkload(HttpLoadClient http, int modulesPerDevice) {
        this.http = http;
        this.modulesPerDevice = modulesPerDevice;
    }

    static String deviceId(int device) {
        return String.format("bench-d%07d", device);
    }

    static String moduleId(int module) {
        return "m" + module;
    }

    int modulesPerDevice() {
        return modulesPerDevice;
    }

    /** PUT the device, then each of its modules in turn (a module needs its device). */
    Future<?> createDeviceWithModules(int device) {
        String d = deviceId(device);
        Future<?> chain = put("/devices/" + d, "{\"deviceId\":\"" + d + "\"}");
        for (int m = 0; m < modulesPerDevice; m++) {
            String mid = moduleId(m);
            chain = chain.compose(v -> put("/devices/" + d + "/modules/" + mid,
                    "{\"deviceId\":\"" + d + "\",\"moduleId\":\"" + mid + "\"}"));
        }
        return chain;
    }

    /** The tags of twin {@code k} (a module create cannot carry tags, so they come as a twin PATCH). */
    Future<?> tagTwin(int k) {
        String body = "{\"tags\":{\"site\":\"s" + (k % SITES) + "\",\"line\":\"l" + (k / SITES % 10)
                + "\",\"index\":" + k + "}}";
        return http.send(HttpMethod.PATCH, twinPath(k), Buffer.buffer(body), null, REQUEST_TIMEOUT, 200);
    }

    /** A cheap authenticated request, used to open connections before a loop. */
    Future<?> statistics() {
        return http.send(HttpMethod.GET, "/statistics/devices", null, null, REQUEST_TIMEOUT, 200);
    }

    Future<?> getTwin(int k) {
        return http.send(HttpMethod.GET, twinPath(k), null, null, REQUEST_TIMEOUT, 200);
    }

    /** A desired-properties merge patch, as a back end changing a module's settings would send. */
    Future<?> patchDesired(int k, int seq) {
        String body = "{\"properties\":{\"desired\":{\"setpoint\":" + (seq % 100) + ",\"seq\":" + seq + "}}}";
        return http.send(HttpMethod.PATCH, twinPath(k), Buffer.buffer(body), null, REQUEST_TIMEOUT, 200);
    }

    /** Runs a query to its last page; returns the rows and the page count. */
    QueryRun query(String sql, int pageSize) throws Exception {
        Buffer body = Buffer.buffer(Json.write(Json.object().put("query", sql)));
        List<JsonNode> rows = new ArrayList<>();
        int pages = 0;
        String continuation = null;
        long t0 = System.nanoTime();
        do {
            Map<String, String> headers = new HashMap<>();
            headers.put("x-ms-max-item-count", Integer.toString(pageSize));
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            HttpLoadClient.Reply reply = http.send(HttpMethod.POST, "/devices/query", body, headers, QUERY_TIMEOUT, 200)
                    .toCompletionStage().toCompletableFuture().get(QUERY_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            Json.parse(reply.body().getBytes()).forEach(rows::add);
            pages++;
            continuation = reply.headers().get("x-ms-continuation");
        } while (continuation != null && !continuation.isEmpty());
        return new QueryRun(rows, pages, (System.nanoTime() - t0) / 1e6);
    }

    record QueryRun(List<JsonNode> rows, int pages, double millis) {
    }

    private Future<?> put(String path, String json) {
        return http.send(HttpMethod.PUT, path, Buffer.buffer(json), null, REQUEST_TIMEOUT, 200);
    }

    private String twinPath(int k) {
        return "/twins/" + deviceId(k / modulesPerDevice) + "/modules/" + moduleId(k % modulesPerDevice);
    }
}
