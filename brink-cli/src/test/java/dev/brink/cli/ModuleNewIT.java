package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brink module new} → the project builds with Maven (offline) → {@code brink module package} → its
 * {@code deployment.json} deploys it on a real edge runtime (process runtime) against a real hub → the module
 * reaches {@code running} and its code runs: it reports {@code startedAt} in its module twin.
 * <p>
 * The SDK comes from a throw-away local repository chained in front of the user's ({@code maven.repo.local.tail}),
 * filled with the jars this build just packaged; the user's repository is only read (the plugins, Jackson, Paho).
 * Runs in verify (failsafe), after the reactor packaged brink-core and brink-client.
 */
class ModuleNewIT {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(300)
    void scaffoldBuildsPackagesDeploysAndRuns(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("hello-module");
        Cli.Result created = Cli.run("module", "new", "hello-module", "--dir", project.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(project.resolve("src/main/java/com/example/hellomodule/HelloModule.java")).exists();

        Path localRepo = sdkRepository(dir.resolve("m2"));
        mvn(project, localRepo);
        Path jar = project.resolve("target/hello-module.jar");
        assertThat(jar).exists();
        Cli.Result packaged = Cli.run("module", "package", jar.toString(), "-o",
                project.resolve("target/hello-module.tar.gz").toString());
        assertThat(packaged.exitCode()).as(packaged.toString()).isZero();

        int mqttPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mqttPort = s.getLocalPort();
        }
        try (HubServer hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0)
                .mqttPort(mqttPort).build())) {
            HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
            String key = service.createDevice(Json.parseObject("{\"deviceId\":\"edge1\",\"capabilities\":{\"iotEdge\":true}}"))
                    .at("/authentication/symmetricKey/primaryKey").asText();
            Path ca = Files.writeString(dir.resolve("hub-ca.pem"), hub.caCertificatePem());
            Path toml = Files.writeString(dir.resolve("edge.toml"), """
                    connection_string = "HostName=%s:%d;DeviceId=edge1;SharedAccessKey=%s"
                    data_dir = "edge-data"
                    [hub]
                    https_port = %d
                    ca_file = "%s"
                    [edge_hub]
                    mqtt_port = 0
                    https_port = 0
                    metrics_port = 0
                    """.formatted(hub.hostName(), mqttPort, key, hub.httpsPort(), ca));
            try (EdgeRuntime edge = EdgeRuntime.start(EdgeConfig.load(toml))) {
                Cli.Result deployed = Cli.run("hub", "deploy", "edge1", "-m", project.resolve("deployment.json").toString(),
                        "--hub-connection-string", hub.serviceConnectionString(), "--ca-file", ca.toString());
                assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
                await().atMost(WAIT).until(() -> edge.agent().modules().stream()
                        .anyMatch(m -> m.name().equals("hello-module") && m.runtimeStatus().equals("running")));
                await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> service
                        .getTwin("edge1", "hello-module").at("/properties/reported/startedAt").isTextual());
            }
        }
    }

    /** brink-parent, brink-core and brink-client as this build made them, laid out as a local repository. */
    private static Path sdkRepository(Path repo) throws IOException {
        put(repo, "brink-parent", REPO.resolve("pom.xml"), null);
        for (String artifact : List.of("brink-core", "brink-client")) {
            put(repo, artifact, REPO.resolve(artifact).resolve("pom.xml"),
                    REPO.resolve(artifact).resolve("target").resolve(artifact + "-" + VERSION + ".jar"));
        }
        return repo;
    }

    private static void put(Path repo, String artifact, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("dev/brink").resolve(artifact).resolve(VERSION));
        Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertThat(jar).as("packaged by the reactor before this test").exists();
            Files.copy(jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void mvn(Path project, Path localRepo) throws Exception {
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path log = project.resolve("build.log");
        Process p = new ProcessBuilder(REPO.resolve("mvnw").toString(), "-o", "-q", "-B", "package",
                "-Dmaven.repo.local=" + localRepo, "-Dmaven.repo.local.tail=" + userRepo)
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }
}
