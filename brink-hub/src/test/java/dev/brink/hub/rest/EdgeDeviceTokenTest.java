package dev.brink.hub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An edge device's own key (sr = {hub}/devices/{edge}, no skn) may manage its own modules' identities over REST —
 * and nothing else (issue 4 §3).
 */
class EdgeDeviceTokenTest {
    static TestHub hub;
    static String edgeKey;
    static String leafKey;

    @BeforeAll
    static void start() {
        hub = TestHub.start(b -> b.mqttPort(freePort()));
        edgeKey = createDevice("edge1", true).at("/authentication/symmetricKey/primaryKey").asText();
        createDevice("edge2", true);
        leafKey = createDevice("leaf1", false).at("/authentication/symmetricKey/primaryKey").asText();
        assertThat(hub.send("PUT", "/devices/edge2/modules/foreign", "{\"moduleId\":\"foreign\"}").statusCode())
                .isEqualTo(200);
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static JsonNode createDevice(String id, boolean edge) {
        HttpResponse<String> r = hub.send("PUT", "/devices/" + id, "{\"deviceId\":\"" + id
                + "\",\"capabilities\":{\"iotEdge\":" + edge + "}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    static String deviceToken(String deviceId, String key) {
        return SasTokens.create(hub.hub().hostName() + "/devices/" + deviceId, key,
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
    }

    HttpResponse<String> asEdge(String method, String path, String body) {
        return hub.send(method, path, body, "Authorization", deviceToken("edge1", edgeKey));
    }

    @Test
    void edgeDeviceCreatesGetsUpdatesListsAndDeletesItsOwnModules() {
        HttpResponse<String> created = asEdge("PUT", "/devices/edge1/modules/m1",
                "{\"deviceId\":\"edge1\",\"moduleId\":\"m1\",\"managedBy\":\"brink-edge\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(Json.parse(created.body()).get("managedBy").asText()).isEqualTo("brink-edge");
        HttpResponse<String> updated = asEdge("PUT", "/devices/edge1/modules/m1",
                "{\"deviceId\":\"edge1\",\"moduleId\":\"m1\",\"managedBy\":\"brink-edge\",\"authentication\":"
                        + "{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + edgeKey + "\",\"secondaryKey\":\""
                        + edgeKey + "\"}}}");
        // a PUT with a body but no If-Match is a create: 409; with If-Match it updates
        assertThat(updated.statusCode()).isEqualTo(409);
        updated = hub.send("PUT", "/devices/edge1/modules/m1", "{\"deviceId\":\"edge1\",\"moduleId\":\"m1\","
                        + "\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + edgeKey
                        + "\",\"secondaryKey\":\"" + edgeKey + "\"}}}",
                "Authorization", deviceToken("edge1", edgeKey), "If-Match", "*");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(asEdge("GET", "/devices/edge1/modules/m1", null).statusCode()).isEqualTo(200);
        assertThat(asEdge("GET", "/devices/edge1/modules/$edgeAgent", null).statusCode()).isEqualTo(200);
        HttpResponse<String> list = asEdge("GET", "/devices/edge1/modules", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"m1\"", "$edgeAgent");
        HttpResponse<String> deleted = hub.send("DELETE", "/devices/edge1/modules/m1", null,
                "Authorization", deviceToken("edge1", edgeKey), "If-Match", "*");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    }

    @Test
    void edgeDeviceCannotTouchAnythingElse() {
        assertUnauthorized(asEdge("GET", "/devices/edge2/modules/foreign", null), "may only manage its own");
        assertUnauthorized(asEdge("DELETE", "/devices/edge2/modules/foreign", null), "may only manage its own");
        assertUnauthorized(asEdge("GET", "/devices/edge1", null), "may only manage its own");
        assertUnauthorized(asEdge("PUT", "/devices/edge1", "{\"deviceId\":\"edge1\"}"), "may only manage its own");
        assertUnauthorized(asEdge("GET", "/twins/edge1/modules/$edgeAgent", null), "may only manage its own");
        assertUnauthorized(asEdge("POST", "/devices/query", "{\"query\":\"SELECT * FROM devices\"}"),
                "may only manage its own");
        assertUnauthorized(asEdge("DELETE", "/devices/edge1/modules/$edgeHub", null), "may only manage its own");
        assertUnauthorized(asEdge("PUT", "/devices/edge1/modules/$edgeAgent", "{}"), "may only manage its own");
    }

    @Test
    void onlyEnabledEdgeDevicesWithTheirOwnKeyQualify() {
        assertUnauthorized(hub.send("GET", "/devices/leaf1/modules", null, "Authorization",
                deviceToken("leaf1", leafKey)), "not an edge device");
        assertUnauthorized(hub.send("GET", "/devices/edge1/modules", null, "Authorization",
                deviceToken("edge1", leafKey)), "signature does not match");
        assertUnauthorized(hub.send("GET", "/devices/ghost/modules", null, "Authorization",
                deviceToken("ghost", leafKey)), "unknown device");
        String expired = SasTokens.create(hub.hub().hostName() + "/devices/edge1", edgeKey,
                Instant.now().minus(Duration.ofHours(1)).getEpochSecond(), null);
        assertUnauthorized(hub.send("GET", "/devices/edge1/modules", null, "Authorization", expired), "expired");
        String foreignHub = SasTokens.create("other.example.com/devices/edge1", edgeKey,
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
        assertUnauthorized(hub.send("GET", "/devices/edge1/modules", null, "Authorization", foreignHub),
                "not for this hub");
        String moduleAudience = SasTokens.create(hub.hub().hostName() + "/devices/edge1/modules/m1", edgeKey,
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
        assertUnauthorized(hub.send("GET", "/devices/edge1/modules", null, "Authorization", moduleAudience),
                "no skn");
    }

    @Test
    void disabledEdgeDeviceIsRefused() {
        JsonNode d = createDevice("edge3", true);
        String key = d.at("/authentication/symmetricKey/primaryKey").asText();
        HttpResponse<String> disabled = hub.send("PUT", "/devices/edge3", "{\"deviceId\":\"edge3\",\"status\":"
                + "\"disabled\",\"capabilities\":{\"iotEdge\":true}}", "If-Match", "*");
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertUnauthorized(hub.send("GET", "/devices/edge3/modules", null, "Authorization",
                deviceToken("edge3", key)), "disabled");
    }

    private static void assertUnauthorized(HttpResponse<String> r, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(RestErrors.humanMessage(r.body())).contains(reason);
    }
}
