package dev.brink.core.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class DeploymentParserTest {
    static final String VALID = """
            {"$version": 7, "schemaVersion": "1.1",
             "runtime": {"type": "docker", "settings": {"minDockerVersion": "v1.25",
                "registryCredentials": {"reg": {"address": "reg.example.com:5000", "username": "u", "password": "s3cret"}}}},
             "systemModules": {
                "edgeAgent": {"type": "docker", "settings": {"image": "brink/agent:1", "createOptions": "{}"}},
                "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always",
                            "settings": {"image": "brink/hub:1"}}},
             "modules": {
                "sensor": {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "on-failure",
                           "imagePullPolicy": "never", "startupOrder": 2,
                           "env": {"A": {"value": "x"}, "N": {"value": 5}},
                           "settings": {"image": "reg.example.com:5000/sensor:1",
                                        "createOptions": "{\\"HostConfig\\":", "createOptions01": "{\\"Privileged\\":false}}"}},
                "filter": {"type": "process", "status": "stopped", "settings": {"image": "/opt/filter.jar"}}}}
            """;

    @Test
    void parsesEveryFieldAndAppliesDefaults() {
        EdgeDeployment d = DeploymentParser.parse(VALID);
        assertThat(d.schemaVersion()).isEqualTo("1.1");
        assertThat(d.runtime().type()).isEqualTo("docker");
        assertThat(d.runtime().minDockerVersion()).isEqualTo("v1.25");
        assertThat(d.systemModules()).containsOnlyKeys("edgeAgent", "edgeHub");
        ModuleDefinition sensor = d.modules().get("sensor");
        assertThat(sensor.version()).isEqualTo("1.0");
        assertThat(sensor.status()).isEqualTo(DesiredStatus.RUNNING);
        assertThat(sensor.restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(sensor.imagePullPolicy()).isEqualTo(ImagePullPolicy.NEVER);
        assertThat(sensor.startupOrder()).isEqualTo(2);
        assertThat(sensor.env()).containsEntry("A", "x").containsEntry("N", "5");
        assertThat(sensor.settings().createOptions()).isEqualTo("{\"HostConfig\":{\"Privileged\":false}}");
        ModuleDefinition filter = d.modules().get("filter");
        assertThat(filter.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(filter.imagePullPolicy()).isEqualTo(ImagePullPolicy.ON_CREATE);
        assertThat(filter.startupOrder()).isEqualTo(ModuleDefinition.DEFAULT_STARTUP_ORDER);
        assertThat(filter.settings().createOptions()).isNull();
        assertThat(d.modulesInStartupOrder()).extracting(ModuleDefinition::name).containsExactly("sensor", "filter");
        assertThat(d.runtime().credentialFor("reg.example.com:5000/sensor:1")).get()
                .extracting(RegistryCredential::username).isEqualTo("u");
        assertThat(d.runtime().credentialFor("docker.io/library/busybox")).isEmpty();
        assertThat(d.runtime().registryCredentials().get("reg").toString()).doesNotContain("s3cret");
    }

    @Test
    void emptyDesiredPropertiesAre417() {
        assertStatus("{\"$version\": 1}", 417, "empty");
        assertStatus("{}", 417, "empty");
    }

    @Test
    void schemaVersionProblemsAre412() {
        assertStatus(withTop("\"runtime\": {\"type\": \"docker\"}"), 412, "schemaVersion is missing");
        assertStatus(withTop("\"schemaVersion\": \"2.0\", \"runtime\": {\"type\": \"docker\"}"), 412, "\"2.0\"");
        assertStatus(withTop("\"schemaVersion\": \"1.2\", \"runtime\": {\"type\": \"docker\"}"), 412, "1.2");
        assertStatus(withTop("\"schemaVersion\": \"abc\", \"runtime\": {\"type\": \"docker\"}"), 412, "abc");
        assertStatus(withTop("\"schemaVersion\": 1, \"runtime\": {\"type\": \"docker\"}"), 412, "not supported");
        assertThat(DeploymentParser.parse(withTop("\"schemaVersion\": \"1.0\", \"runtime\": {\"type\": \"docker\"}"))
                .modules()).isEmpty();
    }

    @Test
    void invalidValuesAre400NamingTheFieldPath() {
        assertStatus(module("\"type\":\"docker\",\"status\":\"running\""), 400, "modules.m.settings.image is required");
        assertStatus(module("\"type\":\"docker\",\"settings\":{\"image\":\"i\"}"), 400, "modules.m.status is required");
        assertStatus(module("\"type\":\"docker\",\"status\":\"paused\",\"settings\":{\"image\":\"i\"}"), 400,
                "modules.m.status must be");
        assertStatus(module("\"type\":\"vm\",\"status\":\"running\",\"settings\":{\"image\":\"i\"}"), 400,
                "modules.m.type");
        assertStatus(module(base() + ",\"restartPolicy\":\"sometimes\""), 400, "modules.m.restartPolicy");
        assertStatus(module(base() + ",\"imagePullPolicy\":\"daily\""), 400, "modules.m.imagePullPolicy");
        assertStatus(module(base() + ",\"startupOrder\":-1"), 400, "modules.m.startupOrder");
        assertStatus(module(base() + ",\"startupOrder\":4294967296"), 400, "modules.m.startupOrder");
        assertStatus(module(base() + ",\"env\":{\"A\":{\"value\":{}}}"), 400, "modules.m.env.A.value");
        assertStatus(module("\"type\":\"docker\",\"status\":\"running\",\"settings\":{\"image\":\"i\","
                + "\"createOptions\":\"{not json\"}"), 400, "modules.m.settings.createOptions is not valid JSON");
        assertStatus(module("\"type\":\"docker\",\"status\":\"running\",\"settings\":{\"image\":\"i\","
                + "\"createOptions\":\"{\",\"createOptions02\":\"}\"}"), 400, "createOptions01 is missing");
        assertStatus(withTop("\"schemaVersion\":\"1.0\""), 400, "runtime is required");
        assertStatus(withTop("\"schemaVersion\":\"1.0\",\"runtime\":{\"type\":\"docker\",\"settings\":"
                + "{\"registryCredentials\":{\"r\":{\"address\":\"a\",\"username\":\"u\"}}}}"), 400,
                "runtime.settings.registryCredentials.r.password is required");
        assertStatus("[1]", 400, "must be a JSON object");
        assertStatus("{not json", 400, "Invalid JSON");
    }

    @Test
    void moduleNamesMustBeValidIdsWithoutDollar() {
        assertStatus(named("$mine"), 400, "reserved for system modules");
        assertStatus(named("bad/name"), 400, "modules.bad/name has an invalid name");
        assertStatus(withTop("\"schemaVersion\":\"1.0\",\"runtime\":{\"type\":\"docker\"},"
                + "\"systemModules\":{\"edgeProxy\":{\"type\":\"docker\",\"settings\":{\"image\":\"i\"}}}"), 400,
                "systemModules.edgeProxy is not a system module");
    }

    @Test
    void instanceSpecEqualityIgnoresStatusAndPolicies() {
        EdgeDeployment d = DeploymentParser.parse(VALID);
        ModuleDefinition s = d.modules().get("sensor");
        ModuleDefinition stopped = new ModuleDefinition(s.name(), s.version(), s.type(), DesiredStatus.STOPPED,
                RestartPolicy.NEVER, s.imagePullPolicy(), 9, s.env(), s.settings());
        assertThat(s.sameInstanceSpec(stopped)).isTrue();
        ModuleDefinition newVersion = new ModuleDefinition(s.name(), "2.0", s.type(), s.status(), s.restartPolicy(),
                s.imagePullPolicy(), s.startupOrder(), s.env(), s.settings());
        assertThat(s.sameInstanceSpec(newVersion)).isFalse();
    }

    @Test
    void parsesFromAJsonNodeToo() {
        ObjectNode node = Json.parseObject(VALID);
        assertThat(DeploymentParser.parse(node).modules()).hasSize(2);
    }

    private static String base() {
        return "\"type\":\"docker\",\"status\":\"running\",\"settings\":{\"image\":\"i\"}";
    }

    private static String module(String body) {
        return withTop("\"schemaVersion\":\"1.0\",\"runtime\":{\"type\":\"docker\"},\"modules\":{\"m\":{" + body + "}}");
    }

    private static String named(String name) {
        return withTop("\"schemaVersion\":\"1.0\",\"runtime\":{\"type\":\"docker\"},\"modules\":{\""
                + name + "\":{" + base() + "}}");
    }

    private static String withTop(String body) {
        return "{" + body + "}";
    }

    private static void assertStatus(String json, int code, String text) {
        assertThatThrownBy(() -> DeploymentParser.parse(json))
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(code);
                    assertThat(e.status().description()).contains(text);
                });
    }
}
