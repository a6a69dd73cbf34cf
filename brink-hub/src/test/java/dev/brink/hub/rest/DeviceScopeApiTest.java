package dev.brink.hub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.security.AccessPolicies;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /devices/{edge}/modules/$edgeHub/devicesAndModulesInDeviceScope} (issue 5 §2): contents, paging and
 * who may read it. edge1 has children c1..c5 (c3 has a module), edge2 has child d1; leaf1 has no parent.
 */
@Timeout(120)
class DeviceScopeApiTest {
    static final String SCOPE_PATH = "/devices/edge1/modules/$edgeHub/devicesAndModulesInDeviceScope";
    static TestHub hub;
    static JsonNode edge1;
    static JsonNode edge2;

    @BeforeAll
    static void start() {
        hub = TestHub.start(b -> b.mqttPort(EdgeDeviceTokenTest.freePort()));
        edge1 = put("/devices/edge1", "{\"capabilities\":{\"iotEdge\":true}}");
        edge2 = put("/devices/edge2", "{\"capabilities\":{\"iotEdge\":true}}");
        put("/devices/edge1/modules/filter", "{}");
        for (int i = 1; i <= 5; i++) {
            put("/devices/c" + i, "{\"parentScopes\":[\"" + edge1.path("deviceScope").asText() + "\"]}");
        }
        put("/devices/c3/modules/leafmod", "{}");
        put("/devices/d1", "{\"parentScopes\":[\"" + edge2.path("deviceScope").asText() + "\"]}");
        put("/devices/leaf1", "{}");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static JsonNode put(String path, String body) {
        HttpResponse<String> r = hub.send("PUT", path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    static String key(JsonNode identity) {
        return identity.at("/authentication/symmetricKey/primaryKey").asText();
    }

    static String token(String audiencePath, String key) {
        return SasTokens.create(hub.hub().hostName() + audiencePath, key,
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
    }

    static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    @Test
    void oneEdgeScopeHoldsTheEdgeItsModulesItsChildrenAndTheirModulesWithKeys() {
        JsonNode page = ok(hub.send("GET", SCOPE_PATH, null));
        assertThat(page.path("devices").findValuesAsText("deviceId"))
                .containsExactly("c1", "c2", "c3", "c4", "c5", "edge1");
        assertThat(page.path("modules").findValuesAsText("moduleId"))
                .containsExactlyInAnyOrder("$edgeAgent", "$edgeHub", "filter", "leafmod");
        assertThat(page.path("continuationLink").isNull()).isTrue();
        JsonNode c1 = page.path("devices").get(0);
        assertThat(c1.path("parentScopes").get(0).asText()).isEqualTo(edge1.path("deviceScope").asText());
        assertThat(c1.path("status").asText()).isEqualTo("enabled");
        assertThat(c1.path("generationId").asText()).isNotEmpty();
        assertThat(key(c1)).isNotEmpty();
        assertThat(key(page.path("modules").get(0))).isNotEmpty();
    }

    @Test
    void pagesFollowTheContinuationLinkUntilItIsNull() {
        List<String> devices = new ArrayList<>();
        List<String> modules = new ArrayList<>();
        String next = SCOPE_PATH + "?deviceCount=2";
        int pages = 0;
        while (next != null) {
            JsonNode page = ok(hub.send("GET", next, null));
            assertThat(page.path("devices").size()).isLessThanOrEqualTo(2);
            devices.addAll(page.path("devices").findValuesAsText("deviceId"));
            modules.addAll(page.path("modules").findValuesAsText("moduleId"));
            next = page.path("continuationLink").isNull() ? null : page.path("continuationLink").asText();
            if (next != null) {
                assertThat(next).contains("deviceCount=2", "continuationToken=", "api-version=");
            }
            pages++;
        }
        assertThat(pages).isBetween(3, 4);
        assertThat(devices).containsExactly("c1", "c2", "c3", "c4", "c5", "edge1");
        assertThat(modules).containsExactlyInAnyOrder("$edgeAgent", "$edgeHub", "filter", "leafmod");
    }

    @Test
    void badParametersAreRefused() {
        HttpResponse<String> token = hub.send("GET", SCOPE_PATH + "?continuationToken=nonsense", null);
        assertThat(token.statusCode()).isEqualTo(400);
        assertThat(RestErrors.humanMessage(token.body())).contains("continuationToken");
        assertThat(hub.send("GET", SCOPE_PATH + "?deviceCount=0", null).statusCode()).isEqualTo(400);
        assertThat(hub.send("GET", SCOPE_PATH.replace("edge1", "leaf1"), null).statusCode()).isEqualTo(400);
        assertThat(hub.send("GET", SCOPE_PATH.replace("edge1", "ghost"), null).statusCode()).isEqualTo(404);
        assertThat(hub.send("GET", SCOPE_PATH.replace("$edgeHub", "filter"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void theEdgeDeviceAndItsSystemModulesMayReadTheirOwnScope() {
        JsonNode byDevice = ok(hub.send("GET", SCOPE_PATH, null, "Authorization",
                token("/devices/edge1", key(edge1))));
        assertThat(byDevice.path("devices").findValuesAsText("deviceId")).contains("c1", "edge1");
        JsonNode edgeHub = ok(hub.send("GET", "/devices/edge1/modules/$edgeHub", null));
        JsonNode byModule = ok(hub.send("GET", SCOPE_PATH, null, "Authorization",
                token("/devices/edge1/modules/$edgeHub", key(edgeHub))));
        assertThat(byModule.path("devices").findValuesAsText("deviceId")).contains("c5");
        // percent-encoded '$' reaches the same resource
        ok(hub.send("GET", SCOPE_PATH.replace("$", "%24"), null, "Authorization",
                token("/devices/edge1", key(edge1))));
    }

    @Test
    void noOtherDeviceOrModuleMayReadIt() {
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization", token("/devices/edge2", key(edge2))),
                "may only manage its own");
        JsonNode c1 = ok(hub.send("GET", "/devices/c1", null));
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization", token("/devices/c1", key(c1))),
                "not an edge device");
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization", token("/devices/edge1", key(edge2))),
                "signature does not match");
        JsonNode filter = ok(hub.send("GET", "/devices/edge1/modules/filter", null));
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization",
                token("/devices/edge1/modules/filter", key(filter))), "no skn");
        JsonNode edge2Hub = ok(hub.send("GET", "/devices/edge2/modules/$edgeHub", null));
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization",
                token("/devices/edge2/modules/$edgeHub", key(edge2Hub))), "may only read its device scope");
        JsonNode edge1Hub = ok(hub.send("GET", "/devices/edge1/modules/$edgeHub", null));
        // the module's token is good for the scope only
        assertUnauthorized(hub.send("GET", "/devices/edge1/modules", null, "Authorization",
                token("/devices/edge1/modules/$edgeHub", key(edge1Hub))), "may only read its device scope");
    }

    @Test
    void serviceTokensNeedRegistryRead() {
        ok(hub.send("GET", SCOPE_PATH, null, "Authorization", hub.token(AccessPolicies.REGISTRY_READ)));
        assertUnauthorized(hub.send("GET", SCOPE_PATH, null, "Authorization", hub.token(AccessPolicies.SERVICE)),
                "RegistryRead");
    }

    private static void assertUnauthorized(HttpResponse<String> r, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains("401002");
        assertThat(RestErrors.humanMessage(r.body())).contains(reason);
    }
}
