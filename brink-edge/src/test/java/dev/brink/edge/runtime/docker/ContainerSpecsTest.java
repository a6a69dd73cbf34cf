package dev.brink.edge.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.ModuleSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The createOptions mapping, checked on the exact JSON docker-java would send (no engine needed: a
 * create command is only built, never executed). Go's JSON decoder keeps the last of duplicate keys, and
 * so does Jackson's tree reader, so reading the body back shows what the engine would see.
 */
class ContainerSpecsTest {

    private static DockerClientConfig config;
    private static DockerClient client;
    private static ContainerSpecs specs;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void setUp() {
        config = new DefaultDockerClientConfig.Builder().withDockerHost("unix:///nonexistent/docker.sock").build();
        client = DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
        specs = new ContainerSpecs(config.getObjectMapper(), "edge-1");
    }

    @AfterAll
    static void tearDown() throws Exception {
        client.close();
    }

    private record Built(JsonNode body, List<String> warnings, CreateContainerCmd cmd) {
    }

    private Built build(String createOptions, Map<String, String> env, Path socket) throws Exception {
        ModuleSpec spec = new ModuleSpec("mod-a", "example.com/team/app:1.2", createOptions, env, "on-create", null,
                socket, "3");
        ImageReference image = ImageReference.parse(spec.image());
        CreateContainerCmd cmd = client.createContainerCmd(image.canonical());
        List<String> warnings = specs.fill(cmd, spec, image);
        return new Built(json.readTree(config.getObjectMapper().writeValueAsString(cmd)), warnings, cmd);
    }

    @Test
    void readsTheEnginesCreateBodyAndAddsBrinksLabels() throws Exception {
        Built b = build("""
                {"Image": "ignored", "Hostname": "h1", "User": "1000", "Entrypoint": "/bin/app",
                 "Cmd": ["--verbose"], "ExposedPorts": {"443/tcp": {}}, "StopSignal": "SIGINT", "StopTimeout": 5,
                 "Labels": {"team": "edge", "dev.brink.device": "spoofed"},
                 "HostConfig": {"Memory": 1048576, "PortBindings": {"443/tcp": [{"HostPort": "8443"}]},
                                "Privileged": false, "NewerEngineField": {"x": 1}},
                 "NetworkingConfig": {"EndpointsConfig": {"host": {}}}}
                """, Map.of(), null);
        JsonNode body = b.body();
        assertThat(body.path("Image").asText()).isEqualTo("example.com/team/app:1.2");
        assertThat(b.cmd().getName()).isEqualTo("mod-a");
        assertThat(body.path("Hostname").asText()).isEqualTo("h1");
        assertThat(body.path("User").asText()).isEqualTo("1000");
        assertThat(body.path("Entrypoint").toString()).isEqualTo("[\"/bin/app\"]");
        assertThat(body.path("Cmd").toString()).isEqualTo("[\"--verbose\"]");
        assertThat(body.path("ExposedPorts").has("443/tcp")).isTrue();
        assertThat(body.path("StopSignal").asText()).isEqualTo("SIGINT");
        assertThat(body.path("StopTimeout").asInt()).isEqualTo(5);
        assertThat(body.at("/HostConfig/Memory").asLong()).isEqualTo(1048576L);
        assertThat(body.at("/HostConfig/PortBindings/443~1tcp/0/HostPort").asText()).isEqualTo("8443");
        assertThat(body.at("/HostConfig/NewerEngineField/x").asInt()).as("unknown HostConfig fields pass through")
                .isEqualTo(1);
        assertThat(body.at("/NetworkingConfig/EndpointsConfig").has("host")).isTrue();
        assertThat(body.path("Labels").path("team").asText()).isEqualTo("edge");
        assertThat(body.path("Labels").path("dev.brink.device").asText()).isEqualTo("edge-1");
        assertThat(body.path("Labels").path("dev.brink.managed").asText()).isEqualTo("true");
        assertThat(body.path("Labels").path("dev.brink.module").asText()).isEqualTo("mod-a");
        assertThat(body.path("Labels").path("dev.brink.version").asText()).isEqualTo("3");
        assertThat(b.warnings()).isEmpty();
    }

    @Test
    void mergesEnvironmentCreateOptionsWinningAndRewritesTheWorkloadUri() throws Exception {
        Path socket = Path.of("/var/lib/brink/workload/mod-a/workload.sock");
        Built b = build("{\"Env\": [\"B=from-options\", \"C=3\"]}",
                Map.of("A", "1", "B", "from-env", "IOTEDGE_WORKLOADURI", "unix://" + socket), socket);
        List<String> env = json.convertValue(b.body().path("Env"), List.class);
        assertThat(env).contains("A=1", "B=from-options", "C=3",
                "IOTEDGE_WORKLOADURI=unix:///var/run/iotedge/workload.sock");
        assertThat(env).doesNotContain("B=from-env").hasSize(4);
        assertThat(b.body().at("/HostConfig/Binds").toString())
                .isEqualTo("[\"/var/lib/brink/workload/mod-a:/var/run/iotedge\"]");
    }

    @Test
    void mountsOnlyTheSocketFileWhenItsDirectoryIsNotTheModulesOwn() throws Exception {
        Path socket = Path.of("/run/shared/mod-a.sock");
        Built b = build("{\"HostConfig\": {\"Binds\": [\"/data:/data:ro\"]}}", Map.of(), socket);
        assertThat(b.body().at("/HostConfig/Binds").toString())
                .isEqualTo("[\"/data:/data:ro\",\"/run/shared/mod-a.sock:/var/run/iotedge/workload.sock\"]");
        assertThat(b.body().path("Env").toString()).contains("IOTEDGE_WORKLOADURI=unix:///var/run/iotedge/workload.sock");
    }

    @Test
    void leavesRestartsToTheAgent() throws Exception {
        Built b = build("{\"HostConfig\": {\"RestartPolicy\": {\"Name\": \"unless-stopped\"}, \"AutoRemove\": true}}",
                Map.of(), null);
        assertThat(b.body().at("/HostConfig/RestartPolicy").isMissingNode() || b.body().at("/HostConfig/RestartPolicy").isNull()
                || b.body().at("/HostConfig/RestartPolicy/Name").asText("").isEmpty()).isTrue();
        assertThat(b.body().at("/HostConfig/AutoRemove").asBoolean()).isFalse();
        assertThat(b.warnings()).hasSize(2);
    }

    @Test
    void warnsAboutUnknownTopLevelFields() throws Exception {
        Built b = build("{\"Cmd\": [\"x\"], \"NoSuchField\": {\"deep\": [1, 2]}}", Map.of(), null);
        assertThat(b.warnings()).singleElement().asString().contains("NoSuchField");
        assertThat(b.body().path("Cmd").toString()).isEqualTo("[\"x\"]");
    }

    @Test
    void rejectsCreateOptionsThatAreNotAnObject() {
        for (String bad : List.of("{", "[1]", "\"text\"", "{\"HostConfig\": 3}", "{\"HostConfig\": {\"Memory\": \"lots\"}}")) {
            assertThatThrownBy(() -> build(bad, Map.of(), null))
                    .as(bad)
                    .isInstanceOf(BrinkException.class)
                    .hasMessageContaining("createOptions")
                    .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        }
    }

    @Test
    void namesContainersAfterModules() {
        assertThat(ContainerLabels.containerName("tempSensor")).isEqualTo("tempSensor");
        assertThat(ContainerLabels.containerName("$edgeHub")).matches("edgeHub-[0-9a-f]{8}");
        assertThat(ContainerLabels.containerName("a:b")).isNotEqualTo(ContainerLabels.containerName("a;b"));
    }
}
