package dev.brink.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeTestbed;
import dev.brink.edge.EdgeTomls;
import dev.brink.hub.events.DeviceEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Azure IoT Java device SDK 2.5.0 as two process modules of a real edge runtime (issue 5, "Tests
 * that must exist"): each module is {@link SdkModuleMain} in a child JVM, started by the agent from a deployment,
 * with {@code ModuleClient.createFromEnvironment(channel, MQTT)} on the IOTEDGE_* environment and unix workload
 * URI the agent gives. The SDK always dials 8883 at {@code IOTEDGE_GATEWAYHOSTNAME}, so the edge hub listens on
 * the default 127.0.0.2:8883 (the hub keeps 127.0.0.1 on an ephemeral port). Everything goes through the edge hub:
 * A's output {@code out1} is routed by the deployment's {@code $edgeHub} routes to B's input {@code in1}; A gets its
 * twin, patches reported (visible at the hub afterwards), receives a desired patch made at the hub, answers a
 * direct method invoked at the hub (relayed by the edge hub), and its output {@code up} reaches the hub's events
 * under A's identity.
 */
@Timeout(150)
class EdgeHubOfficialSdkIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEVICE = EdgeTestbed.DEVICE;

    @TempDir
    Path dir;
    private EdgeTestbed bed;
    private EdgeRuntime edge;
    private Path out;

    @BeforeEach
    void start() throws Exception {
        bed = EdgeTestbed.start(dir);
        out = bed.out;
        bed.service.applyConfigurationContent(DEVICE, deployment(modulePackage()));
        edge = DefaultEdgeHubPort.startWhenFree(EdgeConfig.load(edgeToml()));
    }

    @AfterEach
    void stop() {
        try {
            if (edge != null) {
                edge.close(); // stops the module processes (SIGTERM, then kill)
            }
        } finally {
            bed.close();
        }
    }

    @Test
    void officialSdkModulesRouteTwinsAndMethodsThroughTheEdgeHub() throws Exception {
        assertThat(edge.edgeHub().mqttPort()).isEqualTo(8883);

        // A: twin GET and reported PATCH answered by the edge hub; the patch reaches the hub's module twin.
        awaitLine("A", l -> l.startsWith("REPORTED version="));
        assertThat(lines("A")).anyMatch(l -> l.startsWith("TWIN desiredVersion="));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> bed.service.getTwin(DEVICE, "A")
                .at("/properties/reported/sdk").asText().equals("reported-by-sdk"));

        // A → out1 → route → B's input in1, with its properties and A's identity stamped by the edge hub.
        String input = awaitLine("B", l -> l.startsWith("INPUT in1 "));
        // SDK 2.5.0 takes connectionModuleId from the input topic (the receiver) and exposes the sender's $.cdid
        // and $.cmid, which it does not know, as application properties — as with the reference edge hub.
        assertThat(input).contains("body={\"temp\":21}", "messageId=m-out1", "prop.color=red_and_blue",
                "prop.$.cdid=" + DEVICE, "prop.$.cmid=A");

        // A → up → $upstream: in the hub's events, as A.
        DeviceEvent up = awaitEvent("m-up");
        assertThat(up.deviceId()).isEqualTo(DEVICE);
        assertThat(up.moduleId()).isEqualTo("A");
        assertThat(up.applicationProperties()).containsEntry("kind", "telemetry");
        assertThat(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo("{\"up\":1}");

        // A desired patch made at the hub reaches A through the edge hub.
        awaitLine("A", l -> l.equals("READY"));
        bed.service.patchTwin(DEVICE, "A", Json.parseObject("{\"properties\":{\"desired\":{\"interval\":7}}}"), null);
        assertThat(awaitLine("A", l -> l.startsWith("DESIRED "))).contains("interval=7");

        // A direct method invoked at the hub is relayed by the edge hub and answered by the SDK.
        JsonNode result = bed.service.invokeMethod(DEVICE, "A", "ping", Json.parseObject("{\"n\":3}"), 30, 20);
        assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
        assertThat(result.at("/payload/answeredBy").asText()).isEqualTo("sdk-module");
        assertThat(result.at("/payload/method").asText()).isEqualTo("ping");
        assertThat(result.at("/payload/echo/n").asInt()).isEqualTo(3);
        assertThat(lines("A")).anyMatch(l -> l.startsWith("METHOD ping"));
        assertThat(lines("A")).noneMatch(l -> l.startsWith("FAILED"));
        assertThat(lines("B")).noneMatch(l -> l.startsWith("FAILED"));
    }

    private String awaitLine(String module, java.util.function.Predicate<String> condition) {
        String[] found = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).failFast("module " + module + " failed",
                () -> lines(module).stream().anyMatch(l -> l.startsWith("FAILED"))).until(() -> {
                    found[0] = lines(module).stream().filter(condition).findFirst().orElse(null);
                    return found[0] != null;
                });
        return found[0];
    }

    private List<String> lines(String module) {
        try {
            Path file = out.resolve(module + ".out");
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private DeviceEvent awaitEvent(String messageId) {
        DeviceEvent[] found = new DeviceEvent[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<DeviceEvent> e = bed.hub.eventLog().read(0, 10_000).stream()
                    .filter(ev -> messageId.equals(ev.systemProperties().get("$.mid"))).findFirst();
            found[0] = e.orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** The edge hub on its defaults (127.0.0.2:8883, what the SDK dials); HTTPS and metrics ephemeral. */
    private Path edgeToml() throws IOException {
        return EdgeTomls.write(dir, bed.hub, DEVICE, bed.deviceKey, EdgeTomls.edgeHub("127.0.0.2", 8883, 0) + """
                [runtime]
                type = "process"
                """ + EdgeTomls.restart("1s", "4s"));
    }

    /** A package whose entrypoint runs {@link SdkModuleMain} on this test's classpath in the runtime's JVM. */
    private Path modulePackage() throws Exception {
        return EdgeDeployments.javaModulePackage(dir, "sdk-module", List.of("-Xmx96m", "-XX:TieredStopAtLevel=1"),
                SdkModuleMain.class, Map.of("OUT_DIR", out.toString()));
    }

    private static ObjectNode deployment(Path pkg) {
        return EdgeDeployments.content(Map.of("A", module(pkg, "sender"), "B", module(pkg, "receiver")), Map.of(
                "toB", "FROM /messages/modules/A/outputs/out1 INTO BrokeredEndpoint(\"/modules/B/inputs/in1\")",
                "up", "FROM /messages/modules/A/outputs/up INTO $upstream"));
    }

    private static ObjectNode module(Path pkg, String role) {
        ObjectNode m = Json.object().put("version", "1.0").put("type", "process").put("status", "running")
                .put("restartPolicy", "never");
        m.putObject("env").putObject("ROLE").put("value", role);
        m.putObject("settings").put("image", pkg.toString());
        return m;
    }
}
