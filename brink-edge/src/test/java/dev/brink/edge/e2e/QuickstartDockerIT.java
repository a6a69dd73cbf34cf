package dev.brink.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeTestbed;
import dev.brink.edge.EdgeTomls;
import dev.brink.edge.agent.EdgeAgent.ModuleSnapshot;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.events.DeviceEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's container form (issue 6 §2): the example modules built as OCI images from their Containerfiles
 * (on a local Java base image, no registry: {@link PodmanImages}), deployed by
 * {@code docs/examples/quickstart-manifest.docker.json} on a real edge runtime with {@code [runtime] type = "docker"}
 * against a private Podman Docker-API service, with a real hub in-process. Both containers reach {@code running};
 * the sensor's readings go through the edge hub to the filter (host networking: 127.0.0.2:8883, the workload socket
 * mounted by the runtime), and the filter's alerts reach the hub's events stream.
 *
 * <p>The manifest is used as committed except for the image tags, which get a per-run suffix
 * ({@code localhost/brink-filter:0.1-it<run>}) so a run never replaces or deletes images a user built under the
 * documented tags. The modules dial 8883 (brink-client's default, as the official SDK), so the edge hub listens on
 * 127.0.0.2:8883 like {@link EdgeHubOfficialSdkIT}: one such test per machine at a time (it waits for the port).
 */
@Timeout(180)
class QuickstartDockerIT {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path MANIFEST = REPO.resolve("docs/examples/quickstart-manifest.docker.json");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> MODULES = List.of("SimulatedTemperatureSensor", "filter");

    @TempDir
    Path dir;
    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    /** Unique per run: Brink labels containers with it, so cleanup touches only this run's. */
    private final String device = "quickstart-oci-" + run;
    private PodmanImages podman;
    private HubServer hub;
    private EdgeRuntime edge;

    @BeforeEach
    void start() throws Exception {
        for (String pkg : List.of("simulated-temperature-sensor", "filter")) {
            assertThat(REPO.resolve("modules").resolve(pkg).resolve("target").resolve(pkg + ".tar.gz"))
                    .as("packaged by the reactor before brink-edge (run with -am)").exists();
        }
        podman = PodmanImages.startOrSkip(dir, REPO);
        podman.ensureBaseImage();
        podman.build("simulated-temperature-sensor", "localhost/brink-simulated-temperature-sensor:0.1-it" + run);
        podman.build("filter", "localhost/brink-filter:0.1-it" + run);
        hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0)
                .mqttPort(EdgeTestbed.freePort()).build());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (edge != null) {
                for (String m : MODULES) {
                    System.out.println("--- container " + m + " (last lines)\n" + podman.logs(m));
                }
                edge.close();
            }
        } finally {
            try {
                if (podman != null) {
                    podman.removeContainers(device);
                    podman.close();
                }
            } finally {
                if (hub != null) {
                    hub.close();
                }
            }
        }
    }

    @Test
    void quickstartManifestRunsTheModulesAsContainers() throws Exception {
        HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
        String key = service.createDevice(Json.parseObject(
                "{\"deviceId\":\"" + device + "\",\"capabilities\":{\"iotEdge\":true}}"))
                .at("/authentication/symmetricKey/primaryKey").asText();
        service.applyConfigurationContent(device, manifest());
        edge = DefaultEdgeHubPort.startWhenFree(EdgeConfig.load(edgeToml(key)));
        assertThat(edge.edgeHub().mqttPort()).isEqualTo(8883);

        await("both containers running").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> edge.agent()
                .modules().stream().filter(m -> MODULES.contains(m.name()))
                .filter(m -> m.runtimeStatus().equals("running")).count() == MODULES.size());
        assertThat(edge.agent().modules()).filteredOn(m -> MODULES.contains(m.name()))
                .extracting(ModuleSnapshot::image)
                .allMatch(image -> image.startsWith("localhost/brink-") && image.endsWith(":0.1-it" + run));

        // sensor → (edge hub route) → filter input1 → filter output1 → $upstream: an alert at the hub, from the filter.
        DeviceEvent alert = awaitAlert();
        assertThat(alert.deviceId()).isEqualTo(device);
        JsonNode reading = Json.parseObject(new String(alert.body(), StandardCharsets.UTF_8));
        assertThat(reading.at("/machine/temperature").asDouble()).isGreaterThan(25);
        // The filter reported the threshold it uses, through the edge hub's twin path.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> service.getTwin(device, "filter")
                .at("/properties/reported/TemperatureThreshold").asDouble() == 25);
    }

    private DeviceEvent awaitAlert() {
        DeviceEvent[] found = new DeviceEvent[1];
        await("an alert from the filter at the hub").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            Optional<DeviceEvent> e = hub.eventLog().read(0, 10_000).stream()
                    .filter(ev -> "filter".equals(ev.moduleId()))
                    .filter(ev -> "Alert".equals(ev.applicationProperties().get("MessageType"))).findFirst();
            found[0] = e.orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** The committed docker manifest with this run's image tags. */
    private ObjectNode manifest() throws Exception {
        String text = Files.readString(MANIFEST);
        for (String image : List.of("localhost/brink-filter:0.1", "localhost/brink-simulated-temperature-sensor:0.1")) {
            assertThat(text).contains("\"" + image + "\"");
            text = text.replace("\"" + image + "\"", "\"" + image + "-it" + run + "\"");
        }
        return Json.parseObject(text);
    }

    /** Docker runtime on the private podman socket; the edge hub on its defaults (127.0.0.2:8883). */
    private Path edgeToml(String key) throws Exception {
        return EdgeTomls.write(dir, hub, device, key, EdgeTomls.edgeHub("127.0.0.2", 8883, 0) + """
                [runtime]
                type = "docker"
                docker_uri = "%s"
                """.formatted(podman.engineUri()) + EdgeTomls.restart("1s", "4s"));
    }
}
