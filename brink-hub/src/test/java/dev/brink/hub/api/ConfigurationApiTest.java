package dev.brink.hub.api;

import static dev.brink.hub.api.Api.errorCode;
import static dev.brink.hub.api.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /devices/{d}/applyConfigurationContent: module twins' desired replaced, modules created, one transaction. */
class ConfigurationApiTest {
    private static TestHub hub;
    private static final List<String> notified = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        hub = Api.startHub();
        hub.hub().twins().addDesiredListener((IdentityKey key, ObjectNode patch) -> notified.add(key + " "
                + patch.path("$version").asLong()));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HttpResponse<String> apply(String deviceId, String body) {
        return hub.send("POST", "/devices/" + deviceId + "/applyConfigurationContent", body);
    }

    @Test
    void replacesEachModulesDesiredAndCreatesMissingModules() {
        hub.send("PUT", "/devices/deploy1", "{\"capabilities\":{\"iotEdge\":true}}");
        hub.send("PATCH", "/twins/deploy1/modules/$edgeHub", "{\"properties\":{\"desired\":{\"stale\":1}}}");
        HttpResponse<String> r = apply("deploy1", """
                {"modulesContent":{
                  "$edgeAgent":{"properties.desired":{"schemaVersion":"1.1","modules":{"sensor":{"type":"process"}}}},
                  "$edgeHub":{"properties.desired":{"schemaVersion":"1.1","routes":{"r":"FROM /messages/* INTO $upstream"}}},
                  "sensor":{"properties.desired":{"interval":5}}}}""");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);

        JsonNode hubDesired = json(hub.send("GET", "/twins/deploy1/modules/$edgeHub", null))
                .path("properties").path("desired");
        assertThat(hubDesired.has("stale")).isFalse();
        assertThat(hubDesired.path("routes").path("r").asText()).isEqualTo("FROM /messages/* INTO $upstream");
        JsonNode agentDesired = json(hub.send("GET", "/twins/deploy1/modules/$edgeAgent", null))
                .path("properties").path("desired");
        assertThat(agentDesired.path("modules").path("sensor").path("type").asText()).isEqualTo("process");

        HttpResponse<String> sensor = hub.send("GET", "/devices/deploy1/modules/sensor", null);
        assertThat(sensor.statusCode()).isEqualTo(200);
        assertThat(json(sensor).path("managedBy").asText()).isEqualTo("iotEdge");
        assertThat(json(hub.send("GET", "/twins/deploy1/modules/sensor", null))
                .path("properties").path("desired").path("interval").asInt()).isEqualTo(5);
        assertThat(notified).contains("/devices/deploy1/modules/sensor 2");
    }

    @Test
    void deviceContentSetsDesiredMembers() {
        hub.send("PUT", "/devices/deploy2", "{}");
        hub.send("PATCH", "/twins/deploy2", "{\"properties\":{\"desired\":{\"keep\":1,\"a\":{\"old\":1}}}}");
        HttpResponse<String> r = apply("deploy2", "{\"deviceContent\":{\"properties.desired.a\":{\"new\":2}}}");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
        JsonNode desired = json(hub.send("GET", "/twins/deploy2", null)).path("properties").path("desired");
        assertThat(desired.path("keep").asInt()).isEqualTo(1);
        assertThat(desired.path("a").has("old")).isFalse();
        assertThat(desired.path("a").path("new").asInt()).isEqualTo(2);
    }

    @Test
    void isAllOrNothing() {
        hub.send("PUT", "/devices/deploy3", "{}");
        // the second module's desired is too large: nothing of the deployment may be applied
        HttpResponse<String> r = apply("deploy3", "{\"modulesContent\":{\"good\":{\"properties.desired\":{\"x\":1}},"
                + "\"bad\":{\"properties.desired\":{\"s\":\"" + "z".repeat(5000) + "\"}}}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo(400004);
        assertThat(json(hub.send("GET", "/devices/deploy3/modules", null))).isEmpty();
    }

    @Test
    void validatesTheBodyAndTheDevice() {
        HttpResponse<String> missing = apply("nodevice", "{\"modulesContent\":{\"m\":{\"properties.desired\":{}}}}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(errorCode(missing)).isEqualTo(404001);

        hub.send("PUT", "/devices/deploy4", "{}");
        HttpResponse<String> notObject = apply("deploy4", "{\"modulesContent\":{\"m\":{\"properties.desired\":5}}}");
        assertThat(errorCode(notObject)).isEqualTo(400004);
        assertThat(json(notObject).path("Message").asText()).contains("modulesContent.m");
        HttpResponse<String> unknownMember = apply("deploy4", "{\"modulesContent\":{\"m\":{\"desired\":{}}}}");
        assertThat(json(unknownMember).path("Message").asText()).contains("desired");
        assertThat(errorCode(apply("deploy4", "{}"))).isEqualTo(400004);
        assertThat(errorCode(apply("deploy4", "{\"modulesContent\":{\"bad id\":{\"properties.desired\":{}}}}")))
                .isEqualTo(400004);
        assertThat(errorCode(apply("deploy4", "[]"))).isEqualTo(400004);
    }
}
