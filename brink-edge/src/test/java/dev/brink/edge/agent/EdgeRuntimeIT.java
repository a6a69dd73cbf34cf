package dev.brink.edge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.client.service.HubServiceException;
import dev.brink.core.json.Json;
import dev.brink.core.sas.Keys;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeTomls;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub in-process and a real edge runtime with the process module runtime: one module package deployed
 * under two names, updates, removal, an invalid manifest, and a kill -9 of a child-JVM edge runtime restarted
 * with the hub stopped.
 */
class EdgeRuntimeIT {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    HubServer hub;
    HubServiceClient service;
    String deviceKey;
    Path out;
    Path pkg;
    Path edgeToml;

    @BeforeEach
    void setUp() throws Exception {
        hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0).mqttPort(freePort()).build());
        service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
        JsonNode device = service.createDevice(Json.parseObject(
                "{\"deviceId\":\"edge1\",\"capabilities\":{\"iotEdge\":true}}"));
        deviceKey = device.at("/authentication/symmetricKey/primaryKey").asText();
        out = Files.createDirectories(dir.resolve("out"));
        pkg = modulePackage(dir.resolve("pkg"));
        edgeToml = EdgeTomls.write(dir, hub, "edge1", deviceKey, EdgeTomls.EPHEMERAL_EDGE_HUB + """
                [runtime]
                type = "process"
                [listen]
                gateway_host_name = "edge1.local"
                """ + EdgeTomls.restart("1s", "4s"));
    }

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void deploysOnePackageTwiceUpdatesRemovesAndRefusesInvalidManifests() throws Exception {
        try (EdgeRuntime edge = EdgeRuntime.start(EdgeConfig.load(edgeToml))) {
            deploy(Map.of("a", "1.0", "b", "1.0"));
            awaitRunning(edge, "a", "b");
            for (String m : List.of("a", "b")) {
                JsonNode identity = service.getModule("edge1", m);
                String gen = identity.get("generationId").asText();
                assertThat(identity.get("managedBy").asText()).isEqualTo("brink-edge");
                assertThat(identity.at("/authentication/symmetricKey/primaryKey").asText())
                        .isEqualTo(Keys.deriveModuleKey(deviceKey, m, gen));
                Map<String, String> env = env(m);
                assertThat(env).containsEntry("IOTEDGE_DEVICEID", "edge1").containsEntry("IOTEDGE_MODULEID", m)
                        .containsEntry("IOTEDGE_MODULEGENERATIONID", gen)
                        .containsEntry("IOTEDGE_IOTHUBHOSTNAME", hub.hostName() + ":" + hub.config().mqttPort())
                        // the edge hub listens on an ephemeral port here: brink-client's host:port form
                        .containsEntry("IOTEDGE_GATEWAYHOSTNAME", "edge1.local:" + edge.edgeHub().mqttPort())
                        .containsEntry("IOTEDGE_AUTHSCHEME", "sasToken").containsEntry("IOTEDGE_APIVERSION", "2020-07-07")
                        .containsEntry("RuntimeLogLevel", "info").containsEntry("GREETING", "hello " + m);
                assertThat(env.get("IOTEDGE_WORKLOADURI")).startsWith("unix:///").endsWith("/" + m + "/workload.sock");
            }
            assertThat(service.getModule("edge1", "a").get("generationId"))
                    .isNotEqualTo(service.getModule("edge1", "b").get("generationId"));
            JsonNode reported = awaitReported(r -> r.at("/modules/b/runtimeStatus").asText().equals("running")
                    && r.at("/modules/a/runtimeStatus").asText().equals("running"));
            assertThat(reported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            assertThat(reported.at("/lastDesiredVersion").asLong()).isEqualTo(desiredVersion());
            assertThat(reported.at("/modules/a/settings/image").asText()).isEqualTo(pkg.toString());
            assertThat(reported.toString()).doesNotContain("s3cret-password");

            long pidA = pid("a");
            long pidB = pid("b");
            deploy(Map.of("a", "1.0", "b", "2.0"));
            await().atMost(WAIT).until(() -> pidOrZero("b") != pidB && alive(pidOrZero("b")));
            assertThat(pid("a")).isEqualTo(pidA);
            assertThat(alive(pidA)).isTrue();
            assertThat(alive(pidB)).isFalse();
            awaitReported(r -> r.at("/modules/b/version").asText().equals("2.0"));

            deploy(Map.of("b", "2.0"));
            await().atMost(WAIT).until(() -> !alive(pidA));
            await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> service.getModule("edge1", "a"))
                    .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.httpStatus()).isEqualTo(404)));
            JsonNode afterRemove = awaitReported(r -> r.at("/modules/a").isMissingNode());
            assertThat(afterRemove.at("/modules/b/runtimeStatus").asText()).isEqualTo("running");

            long pidB2 = pid("b");
            ObjectNode invalid = manifest(Map.of("b", "3.0"));
            ((ObjectNode) invalid.at("/modulesContent/$edgeAgent/properties.desired/modules/b")).put("status", "paused");
            service.applyConfigurationContent("edge1", invalid);
            JsonNode refused = awaitReported(r -> r.at("/lastDesiredStatus/code").asInt() == 400);
            assertThat(refused.at("/lastDesiredStatus/description").asText()).contains("modules.b.status");
            assertThat(refused.at("/lastDesiredVersion").asLong()).isEqualTo(desiredVersion());
            assertThat(pid("b")).isEqualTo(pidB2);
            assertThat(alive(pidB2)).isTrue();
            assertThat(edge.agent().modules()).extracting(EdgeAgent.ModuleSnapshot::version).containsExactly("2.0");
        }
    }

    @Test
    void killedRuntimeRestartsEveryModuleFromItsCacheWithTheHubDown() throws Exception {
        Process first = startChild("first");
        try {
            deploy(Map.of("a", "1.0", "b", "1.0"));
            await().atMost(WAIT).until(() -> alive(pidOrZero("a")) && alive(pidOrZero("b")));
            awaitReported(r -> r.at("/modules/a/runtimeStatus").asText().equals("running")
                    && r.at("/modules/b/runtimeStatus").asText().equals("running"));
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        }
        long oldA = pid("a");
        long oldB = pid("b");
        String genA = service.getModule("edge1", "a").get("generationId").asText();
        hub.close();
        hub = null;
        Process second = startChild("second");
        try {
            await().atMost(WAIT).until(() -> pidOrZero("a") != oldA && alive(pidOrZero("a"))
                    && pidOrZero("b") != oldB && alive(pidOrZero("b")));
            assertThat(env("a")).containsEntry("IOTEDGE_MODULEGENERATIONID", genA);
            // the instances orphaned by the kill -9 must not keep running next to the new ones
            await().atMost(WAIT).until(() -> !alive(oldA) && !alive(oldB));
        } finally {
            kill(oldA);
            kill(oldB);
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
            if (second.isAlive()) {
                second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        // a graceful stop ends the modules too
        await().atMost(WAIT).until(() -> !alive(pidOrZero("a")) && !alive(pidOrZero("b")));
    }

    // ---- helpers

    private Process startChild(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.brink.edge.EdgeMain",
                "--config", edgeToml.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private void deploy(Map<String, String> modules) {
        service.applyConfigurationContent("edge1", manifest(modules));
    }

    private ObjectNode manifest(Map<String, String> modules) {
        ObjectNode content = Json.object();
        ObjectNode desired = content.putObject("modulesContent").putObject("$edgeAgent").putObject("properties.desired");
        desired.put("schemaVersion", "1.1");
        desired.putObject("runtime").put("type", "process").putObject("settings").putObject("registryCredentials")
                .putObject("local").put("address", "localhost:5000").put("username", "u")
                .put("password", "s3cret-password");
        desired.putObject("systemModules").putObject("edgeAgent").put("type", "process")
                .putObject("settings").put("image", "brink-edge");
        ObjectNode mods = desired.putObject("modules");
        new java.util.TreeMap<>(modules).forEach((name, version) -> {
            ObjectNode m = mods.putObject(name).put("version", version).put("type", "process").put("status", "running")
                    .put("restartPolicy", "always");
            m.putObject("env").putObject("GREETING").put("value", "hello " + name);
            m.putObject("settings").put("image", pkg.toString());
        });
        content.with("modulesContent").putObject("$edgeHub").putObject("properties.desired")
                .put("schemaVersion", "1.1").putObject("routes");
        return content;
    }

    private long desiredVersion() {
        return service.getTwin("edge1", "$edgeAgent").at("/properties/desired/$version").asLong();
    }

    private JsonNode awaitReported(java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = service.getTwin("edge1", "$edgeAgent").at("/properties/reported");
            return condition.test(last[0]);
        });
        return last[0];
    }

    private static void awaitRunning(EdgeRuntime edge, String... names) {
        await().atMost(WAIT).until(() -> edge.agent().modules().stream()
                .filter(m -> m.runtimeStatus().equals("running")).count() == names.length);
    }

    private Map<String, String> env(String module) throws IOException {
        Path file = out.resolve(module + ".env");
        await().atMost(WAIT).until(() -> Files.exists(file));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private long pid(String module) throws IOException {
        await().atMost(WAIT).until(() -> pidOrZero(module) != 0);
        return pidOrZero(module);
    }

    private long pidOrZero(String module) {
        try {
            String text = Files.readString(out.resolve(module + ".pid")).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Test hygiene: never leave a module process behind, whatever failed. */
    private static void kill(long pid) {
        if (pid != 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean alive(long pid) {
        return pid != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A .tar.gz module package: a shell script that records its environment and pid, then sleeps. */
    private Path modulePackage(Path work) throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("brink-module.json"), "{\"entrypoint\": [\"/bin/sh\", \"run.sh\"], "
                + "\"env\": {\"OUT_DIR\": \"" + out + "\"}}");
        Files.writeString(work.resolve("run.sh"), """
                env > "$OUT_DIR/$IOTEDGE_MODULEID.env.tmp"
                mv "$OUT_DIR/$IOTEDGE_MODULEID.env.tmp" "$OUT_DIR/$IOTEDGE_MODULEID.env"
                echo $$ > "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp"
                mv "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp" "$OUT_DIR/$IOTEDGE_MODULEID.pid"
                echo "module $IOTEDGE_MODULEID started"
                exec sleep 100000
                """);
        Path tar = dir.resolve("module.tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tar.toString(), "-C", work.toString(), "brink-module.json", "run.sh")
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
