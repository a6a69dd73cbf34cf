package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeRuntime;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code brink edge list|logs|restart|check} in-process against a real edge runtime (process modules) and a real
 * hub on loopback, found through {@code --config edge.toml} or {@code --data DIR}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class EdgeCliTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    Path dir;
    HubServer hub;
    EdgeRuntime edge;
    Path toml;
    Path out;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        int mqttPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mqttPort = s.getLocalPort();
        }
        hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0).mqttPort(mqttPort).build());
        HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
        String key = service.createDevice(Json.parseObject("{\"deviceId\":\"edge1\",\"capabilities\":{\"iotEdge\":true}}"))
                .at("/authentication/symmetricKey/primaryKey").asText();
        out = Files.createDirectories(dir.resolve("out"));
        toml = edgeToml("edge.toml", "edge-data", Files.writeString(dir.resolve("hub-ca.pem"), hub.caCertificatePem()),
                key);
        edge = EdgeRuntime.start(EdgeConfig.load(toml));
        service.applyConfigurationContent("edge1", Json.parseObject("""
                {"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                  "runtime": {"type": "process", "settings": {}},
                  "systemModules": {"edgeAgent": {"type": "process", "settings": {"image": "brink-edge"}}},
                  "modules": {
                    "tick": {"version": "1.0", "type": "process", "status": "running", "restartPolicy": "always",
                             "env": {"MODE": {"value": "tick"}}, "settings": {"image": "%1$s"}},
                    "idle": {"version": "1.0", "type": "process", "status": "running", "restartPolicy": "always",
                             "env": {"MODE": {"value": "idle"}}, "settings": {"image": "%1$s"}}}}},
                 "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}}}}}
                """.formatted(modulePackage())));
        await().atMost(WAIT).until(() -> edge.agent().modules().stream()
                .filter(m -> m.runtimeStatus().equals("running")).count() == 2);
    }

    @AfterAll
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void listInHumanAndJsonOutput() {
        Cli.Result list = ok("edge", "list", "--config", toml.toString());
        assertThat(list.out()).containsPattern("NAME\\s+STATUS\\s+VERSION").containsPattern("tick\\s+running\\s+1.0")
                .containsPattern("idle\\s+running\\s+1.0");
        JsonNode json = Json.parse(ok("edge", "list", "--data", dir.resolve("edge-data").toString(), "-o", "json").out());
        assertThat(json).hasSize(2);
        assertThat(StreamSupport.stream(json.spliterator(), false).map(m -> m.path("name").asText()))
                .containsExactlyInAnyOrder("tick", "idle");
    }

    @Test
    void logsTailAndFollow() throws Exception {
        await().atMost(WAIT).until(() -> ok("edge", "logs", "tick", "--config", toml.toString()).out()
                .lines().filter(l -> l.startsWith("tick ")).count() >= 3);
        Cli.Result tail = ok("edge", "logs", "tick", "--tail", "2", "--config", toml.toString());
        assertThat(tail.out().lines()).hasSize(2).allMatch(l -> l.startsWith("tick "));

        StringWriter followed = new StringWriter();
        CommandLine cli = BrinkMain.newCommandLine();
        cli.setOut(new PrintWriter(followed, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        Thread thread = new Thread(() -> cli.execute("edge", "logs", "tick", "-f", "--tail", "1", "--config",
                toml.toString()));
        thread.setDaemon(true);
        thread.start();
        try {
            await().atMost(WAIT).until(() -> followed.toString().lines().filter(l -> l.startsWith("tick ")).count() >= 5);
        } finally {
            thread.interrupt();
        }
        thread.join(WAIT.toMillis());
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void restart() throws Exception {
        long pid = Long.parseLong(Files.readString(out.resolve("idle.pid")).trim());
        Cli.Result restarted = ok("edge", "restart", "idle", "--config", toml.toString());
        assertThat(restarted.out()).startsWith("Restarted idle: running");
        await().atMost(WAIT).until(() -> !Files.readString(out.resolve("idle.pid")).trim().equals(Long.toString(pid)));
        Cli.Result unknown = brink("edge", "restart", "nope", "--config", toml.toString());
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.err()).contains("nope");
    }

    @Test
    void checkPassesAgainstTheRunningRuntime() {
        Cli.Result check = ok("edge", "check", "--config", toml.toString());
        assertThat(check.out()).contains("✓ config parses").contains("✓ edge runtime running")
                .contains("✓ hub reachable over HTTPS").contains("✓ hub reachable over MQTT/TLS")
                .contains("✓ module runtime (process) usable").contains("disk space of the data dir")
                .contains("edge CA certificate").doesNotContain("✗");
        JsonNode json = Json.parse(ok("edge", "check", "--data", dir.resolve("edge-data").toString(), "-o", "json").out());
        assertThat(json.path("ok").asBoolean()).isTrue();
        assertThat(json.path("checks").findValuesAsText("id")).contains("edge-runtime", "hub-https", "clock", "disk");
    }

    @Test
    void checkWithoutARunningRuntimeChecksFromTheCommand() throws Exception {
        Path other = edgeToml("other.toml", "other-data", dir.resolve("hub-ca.pem"), "a2V5");
        Cli.Result check = ok("edge", "check", "--config", other.toString());
        assertThat(check.out()).contains("⚠ edge runtime running: not running").contains("✓ hub reachable over HTTPS");

        // the edge CA is not the hub's CA: the TLS handshake must fail
        Path wrongCa = edgeToml("wrong-ca.toml", "other-data", dir.resolve("edge-data/ca/edge-ca.pem"), "a2V5");
        Cli.Result bad = brink("edge", "check", "--config", wrongCa.toString());
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("✗ hub reachable over HTTPS: TLS handshake with");

        Path typo = Files.writeString(dir.resolve("typo.toml"), Files.readString(other) + "\n[listen]\nmgmt = \"x\"\n");
        Cli.Result broken = brink("edge", "check", "--config", typo.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.out()).contains("✗ config parses").contains("unknown key listen.mgmt");
    }

    @Test
    void noRuntimeIsAnError() {
        Cli.Result list = brink("edge", "list", "--data", dir.resolve("nothing-here").toString());
        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err()).contains("the edge runtime is not running");
    }

    private Path edgeToml(String name, String dataDir, Path ca, String key) throws Exception {
        return Files.writeString(dir.resolve(name), """
                connection_string = "HostName=%s:%d;DeviceId=edge1;SharedAccessKey=%s"
                data_dir = "%s"
                [hub]
                https_port = %d
                ca_file = "%s"
                [edge_hub]
                mqtt_port = 0
                https_port = 0
                metrics_port = 0
                """.formatted(hub.hostName(), hub.config().mqttPort(), key, dataDir, hub.httpsPort(), ca));
    }

    /** {@code MODE=tick}: a numbered line every 100 ms; anything else sleeps. Writes {@code out/<module>.pid}. */
    private Path modulePackage() throws Exception {
        Path work = Files.createDirectories(dir.resolve("pkg"));
        Files.writeString(work.resolve("brink-module.json"), "{\"entrypoint\": [\"/bin/sh\", \"run.sh\"], "
                + "\"env\": {\"OUT_DIR\": \"" + out + "\"}}");
        Files.writeString(work.resolve("run.sh"), """
                echo $$ > "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp"
                mv "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp" "$OUT_DIR/$IOTEDGE_MODULEID.pid"
                if [ "$MODE" = tick ]; then i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.1; done; fi
                exec sleep 100000
                """);
        Path tar = dir.resolve("module.tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tar.toString(), "-C", work.toString(), "brink-module.json", "run.sh")
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }

    private static Cli.Result brink(String... args) {
        return Cli.run(args);
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }
}
