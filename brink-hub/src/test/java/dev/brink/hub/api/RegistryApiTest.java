package dev.brink.hub.api;

import static dev.brink.hub.api.Api.errorCode;
import static dev.brink.hub.api.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Device and module identities over real HTTPS: PUT/GET/DELETE semantics, If-Match, codes. */
class RegistryApiTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = Api.startHub();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void createGetUpdateDeleteDevice() {
        HttpResponse<String> created = hub.send("PUT", "/devices/crud1", """
                {"deviceId":"crud1","etag":"","generationId":"","statusUpdatedTime":"0001-01-01T00:00:00-00:00",
                 "connectionState":"Disconnected","status":"enabled"}""");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode device = json(created);
        assertThat(device.path("deviceId").asText()).isEqualTo("crud1");
        assertThat(device.path("generationId").asText()).isNotEmpty();
        assertThat(device.path("etag").asText()).isNotEmpty();
        assertThat(created.headers().firstValue("ETag")).hasValue("\"" + device.path("etag").asText() + "\"");
        assertThat(device.path("authentication").path("type").asText()).isEqualTo("sas");
        assertThat(device.path("authentication").path("symmetricKey").path("primaryKey").asText()).isNotEmpty();
        assertThat(device.path("capabilities").path("iotEdge").asBoolean()).isFalse();
        assertThat(device.path("connectionState").asText()).isEqualTo("Disconnected");

        HttpResponse<String> got = hub.send("GET", "/devices/crud1", null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(json(got).path("etag").asText()).isEqualTo(device.path("etag").asText());

        HttpResponse<String> updated = hub.send("PUT", "/devices/crud1",
                "{\"deviceId\":\"crud1\",\"status\":\"disabled\",\"statusReason\":\"maintenance\"}", "If-Match", "*");
        assertThat(updated.statusCode()).isEqualTo(200);
        JsonNode after = json(updated);
        assertThat(after.path("status").asText()).isEqualTo("disabled");
        assertThat(after.path("statusReason").asText()).isEqualTo("maintenance");
        assertThat(after.path("etag").asText()).isNotEqualTo(device.path("etag").asText());
        assertThat(after.path("generationId").asText()).isEqualTo(device.path("generationId").asText());
        assertThat(after.path("authentication").path("symmetricKey").path("primaryKey").asText())
                .isEqualTo(device.path("authentication").path("symmetricKey").path("primaryKey").asText());

        HttpResponse<String> stale = hub.send("DELETE", "/devices/crud1", null,
                "If-Match", "\"" + device.path("etag").asText() + "\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(errorCode(stale)).isEqualTo(412001);

        HttpResponse<String> deleted = hub.send("DELETE", "/devices/crud1", null,
                "If-Match", "\"" + after.path("etag").asText() + "\"");
        assertThat(deleted.statusCode()).isEqualTo(204);
        HttpResponse<String> gone = hub.send("GET", "/devices/crud1", null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(errorCode(gone)).isEqualTo(404001);
        assertThat(hub.send("GET", "/twins/crud1", null).statusCode()).isEqualTo(404);
    }

    @Test
    void putSemanticsFollowIfMatch() {
        assertThat(hub.send("PUT", "/devices/sem1", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> duplicate = hub.send("PUT", "/devices/sem1", "{}");
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(errorCode(duplicate)).isEqualTo(409001);

        HttpResponse<String> missing = hub.send("PUT", "/devices/sem-missing", "{}", "If-Match", "*");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(errorCode(missing)).isEqualTo(404001);

        HttpResponse<String> stale = hub.send("PUT", "/devices/sem1", "{}", "If-Match", "\"bm90LWl0\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(errorCode(stale)).isEqualTo(412001);

        String etag = json(hub.send("GET", "/devices/sem1", null)).path("etag").asText();
        assertThat(hub.send("PUT", "/devices/sem1", "{}", "If-Match", etag).statusCode()).isEqualTo(200);

        HttpResponse<String> deleteMissing = hub.send("DELETE", "/devices/sem-missing", null);
        assertThat(deleteMissing.statusCode()).isEqualTo(404);
        assertThat(errorCode(deleteMissing)).isEqualTo(404001);
        assertThat(hub.send("DELETE", "/devices/sem1", null).statusCode()).isEqualTo(204);
    }

    @Test
    void rejectsBadInput() {
        HttpResponse<String> badJson = hub.send("PUT", "/devices/bad1", "{\"deviceId\":");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(errorCode(badJson)).isEqualTo(400004);

        HttpResponse<String> mismatch = hub.send("PUT", "/devices/bad1", "{\"deviceId\":\"other\"}");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(errorCode(mismatch)).isEqualTo(400004);

        HttpResponse<String> badId = hub.send("PUT", "/devices/bad%20id", "{}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(errorCode(badId)).isEqualTo(400004);

        HttpResponse<String> badKey = hub.send("PUT", "/devices/bad1",
                "{\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"not base64!\"}}}");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(errorCode(badKey)).isEqualTo(400004);
    }

    @Test
    void idsMayBePercentEncoded() {
        assertThat(hub.send("PUT", "/devices/enc%3Adev", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> raw = hub.send("GET", "/devices/enc:dev", null);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(json(raw).path("deviceId").asText()).isEqualTo("enc:dev");

        // every special character IoT Hub allows, sent percent-encoded, comes back as itself
        assertThat(json(hub.send("PUT", "/devices/s%23p%3F%25x%2B%24y", "{}")).path("deviceId").asText())
                .isEqualTo("s#p?%x+$y");
        // the official SDK does not encode: '+', '$' and friends arrive raw and are taken literally
        HttpResponse<String> plus = hub.send("PUT", "/devices/raw+id$1'(x)", "{}");
        assertThat(plus.statusCode()).as(plus.body()).isEqualTo(200);
        assertThat(json(plus).path("deviceId").asText()).isEqualTo("raw+id$1'(x)");
        assertThat(hub.send("PUT", "/devices/raw+id$1'(x)/modules/$m", "{}").statusCode()).isEqualTo(200);
        assertThat(json(hub.send("GET", "/twins/raw+id$1'(x)/modules/%24m", null)).path("moduleId").asText())
                .isEqualTo("$m");
    }

    @Test
    void x509AuthenticationIsStoredAsGiven() {
        HttpResponse<String> r = hub.send("PUT", "/devices/x509dev", """
                {"authentication":{"type":"selfSigned","x509Thumbprint":
                  {"primaryThumbprint":"ABCDEF0123456789ABCDEF0123456789ABCDEF01","secondaryThumbprint":null}}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode auth = json(r).path("authentication");
        assertThat(auth.path("type").asText()).isEqualTo("selfSigned");
        assertThat(auth.path("x509Thumbprint").path("primaryThumbprint").asText())
                .isEqualTo("ABCDEF0123456789ABCDEF0123456789ABCDEF01");
        assertThat(auth.path("symmetricKey").path("primaryKey").isNull()).isTrue();

        HttpResponse<String> ca = hub.send("PUT", "/devices/cadev",
                "{\"authentication\":{\"type\":\"certificateAuthority\"}}");
        assertThat(json(ca).path("authentication").path("type").asText()).isEqualTo("certificateAuthority");
    }

    @Test
    void edgeDeviceGetsSystemModulesAndScope() {
        HttpResponse<String> r = hub.send("PUT", "/devices/edge1", "{\"capabilities\":{\"iotEdge\":true}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode edge = json(r);
        assertThat(edge.path("capabilities").path("iotEdge").asBoolean()).isTrue();
        assertThat(edge.path("deviceScope").asText())
                .isEqualTo("ms-azure-iot-edge://edge1-" + edge.path("generationId").asText());

        HttpResponse<String> modules = hub.send("GET", "/devices/edge1/modules", null);
        assertThat(modules.statusCode()).isEqualTo(200);
        assertThat(json(modules).findValuesAsText("moduleId")).containsExactlyInAnyOrder("$edgeAgent", "$edgeHub");
        assertThat(json(modules).findValuesAsText("managedBy")).containsOnly("iotEdge");
        HttpResponse<String> agentTwin = hub.send("GET", "/twins/edge1/modules/$edgeAgent", null);
        assertThat(agentTwin.statusCode()).isEqualTo(200);
        assertThat(json(agentTwin).path("moduleId").asText()).isEqualTo("$edgeAgent");

        // a child device names the edge's scope as its parent
        String scope = edge.path("deviceScope").asText();
        HttpResponse<String> child = hub.send("PUT", "/devices/child1", "{\"parentScopes\":[\"" + scope + "\"]}");
        assertThat(child.statusCode()).isEqualTo(200);
        assertThat(json(child).path("parentScopes").get(0).asText()).isEqualTo(scope);
        assertThat(json(child).path("deviceScope").asText()).isEqualTo(scope);

        HttpResponse<String> unknownParent = hub.send("PUT", "/devices/child2",
                "{\"parentScopes\":[\"ms-azure-iot-edge://nosuchedge-123\"]}");
        assertThat(unknownParent.statusCode()).isEqualTo(400);
        assertThat(errorCode(unknownParent)).isEqualTo(400004);
        assertThat(unknownParent.body()).contains("nosuchedge", "does not exist");
        HttpResponse<String> twoParents = hub.send("PUT", "/devices/child2",
                "{\"parentScopes\":[\"" + scope + "\",\"" + scope + "\"]}");
        assertThat(errorCode(twoParents)).isEqualTo(400004);
        assertThat(twoParents.body()).contains("at most one parent");
        // an update may set the parent of an existing device
        hub.send("PUT", "/devices/later", "{}");
        HttpResponse<String> adopted = hub.send("PUT", "/devices/later", "{\"parentScopes\":[\"" + scope + "\"]}",
                "If-Match", "*");
        assertThat(adopted.statusCode()).as(adopted.body()).isEqualTo(200);
        assertThat(json(adopted).path("parentScopes").get(0).asText()).isEqualTo(scope);
        HttpResponse<String> badScope = hub.send("PUT", "/devices/child2", "{\"parentScopes\":[\"nonsense\"]}");
        assertThat(errorCode(badScope)).isEqualTo(400004);
        HttpResponse<String> staleScope = hub.send("PUT", "/devices/child2",
                "{\"parentScopes\":[\"ms-azure-iot-edge://edge1-1\"]}");
        assertThat(errorCode(staleScope)).isEqualTo(400004);
    }

    @Test
    void moduleCrudAndCodes() {
        HttpResponse<String> orphan = hub.send("PUT", "/devices/nodev/modules/m1", "{}");
        assertThat(orphan.statusCode()).isEqualTo(404);
        assertThat(errorCode(orphan)).isEqualTo(404001);

        hub.send("PUT", "/devices/moddev", "{}");
        HttpResponse<String> created = hub.send("PUT", "/devices/moddev/modules/m1",
                "{\"deviceId\":\"moddev\",\"moduleId\":\"m1\",\"managedBy\":\"me\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode module = json(created);
        assertThat(module.path("moduleId").asText()).isEqualTo("m1");
        assertThat(module.path("managedBy").asText()).isEqualTo("me");
        assertThat(module.has("status")).isFalse();

        HttpResponse<String> dup = hub.send("PUT", "/devices/moddev/modules/m1", "{}");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(errorCode(dup)).isEqualTo(409301);

        HttpResponse<String> missing = hub.send("GET", "/devices/moddev/modules/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(errorCode(missing)).isEqualTo(404010);
        assertThat(errorCode(hub.send("PUT", "/devices/moddev/modules/nope", "{}", "If-Match", "*")))
                .isEqualTo(404010);

        HttpResponse<String> updated = hub.send("PUT", "/devices/moddev/modules/m1", "{}", "If-Match", "*");
        assertThat(json(updated).path("etag").asText()).isNotEqualTo(module.path("etag").asText());
        assertThat(json(updated).path("managedBy").asText()).isEqualTo("me");

        assertThat(hub.send("DELETE", "/devices/moddev/modules/m1", null, "If-Match", "*").statusCode())
                .isEqualTo(204);
        assertThat(errorCode(hub.send("DELETE", "/devices/moddev/modules/m1", null))).isEqualTo(404010);
    }

    @Test
    void deletingADeviceDeletesItsModules() {
        hub.send("PUT", "/devices/cascade", "{}");
        hub.send("PUT", "/devices/cascade/modules/m", "{}");
        assertThat(hub.send("DELETE", "/devices/cascade", null).statusCode()).isEqualTo(204);
        hub.send("PUT", "/devices/cascade", "{}");
        assertThat(json(hub.send("GET", "/devices/cascade/modules", null))).isEmpty();
        assertThat(errorCode(hub.send("GET", "/twins/cascade/modules/m", null))).isEqualTo(404010);
    }

    @Test
    void aDeviceHoldsAtMostFiftyModules() {
        hub.send("PUT", "/devices/quota", "{}");
        for (int i = 0; i < 50; i++) {
            assertThat(hub.send("PUT", "/devices/quota/modules/m" + i, "{}").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> over = hub.send("PUT", "/devices/quota/modules/m50", "{}");
        assertThat(over.statusCode()).isEqualTo(403);
        assertThat(errorCode(over)).isEqualTo(403002);
    }

    @Test
    void listAndStatistics() {
        try (TestHub fresh = Api.startHub()) {
            fresh.send("PUT", "/devices/s1", "{}");
            fresh.send("PUT", "/devices/s2", "{}");
            fresh.send("PUT", "/devices/s3", "{\"status\":\"disabled\"}");
            fresh.send("PUT", "/devices/s1/modules/m", "{}");
            JsonNode stats = json(fresh.send("GET", "/statistics/devices", null));
            assertThat(stats.path("totalDeviceCount").asInt()).isEqualTo(3);
            assertThat(stats.path("enabledDeviceCount").asInt()).isEqualTo(2);
            assertThat(stats.path("enableDeviceCount").asInt()).isEqualTo(2);
            assertThat(stats.path("disabledDeviceCount").asInt()).isEqualTo(1);

            assertThat(json(fresh.send("GET", "/devices?top=2", null)).findValuesAsText("deviceId"))
                    .containsExactly("s1", "s2");
            assertThat(json(fresh.send("GET", "/devices", null))).hasSize(3);
            assertThat(errorCode(fresh.send("GET", "/devices?top=abc", null))).isEqualTo(400004);
        }
    }
}
