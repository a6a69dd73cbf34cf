package dev.brink.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A real hub in-process, an edge device {@code edge1} in it, a process module package and an {@code edge.toml}
 * for an edge runtime — shared by the edge runtime's end-to-end tests. The package runs {@code run.sh}, which
 * writes {@code out/<module>.pid} and then behaves as its {@code MODE} env says:
 * {@code sleep} (runs until stopped), {@code tick} (a numbered line every 100 ms), {@code exit} (exits with
 * {@code $CODE} after {@code $AFTER} seconds), {@code crash} (kills itself with SIGKILL after {@code $AFTER}
 * seconds), {@code chatter} (prints {@code $LINES} lines of 100 bytes, then sleeps). Every start appends a
 * line to {@code out/<module>.starts}.
 */
public final class EdgeTestbed implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(60);
    public static final String DEVICE = "edge1";

    public final Path dir;
    public final HubServer hub;
    public final HubServiceClient service;
    public final String deviceKey;
    public final Path out;
    public final Path pkg;

    private EdgeTestbed(Path dir) throws Exception {
        this.dir = dir;
        this.hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0).mqttPort(freePort())
                .build());
        this.service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
        JsonNode device = service.createDevice(Json.parseObject(
                "{\"deviceId\":\"" + DEVICE + "\",\"capabilities\":{\"iotEdge\":true}}"));
        this.deviceKey = device.at("/authentication/symmetricKey/primaryKey").asText();
        this.out = Files.createDirectories(dir.resolve("out"));
        this.pkg = modulePackage(dir.resolve("pkg"));
    }

    public static EdgeTestbed start(Path dir) throws Exception {
        return new EdgeTestbed(dir);
    }

    /** Writes {@code edge.toml} (process runtime, data dir {@code edge-data}) with {@code extra} appended. */
    public Path edgeToml(String restartBase, String restartMax, String extra) throws IOException {
        return EdgeTomls.write(dir, hub, DEVICE, deviceKey, EdgeTomls.EPHEMERAL_EDGE_HUB + """
                [runtime]
                type = "process"
                """ + EdgeTomls.restart(restartBase, restartMax) + extra);
    }

    /** One module of the package: {@code env} adds to {@code MODE} (e.g. {@code CODE}, {@code AFTER}). */
    public ObjectNode module(String version, String mode, String restartPolicy, Map<String, String> env) {
        ObjectNode m = Json.object().put("version", version).put("type", "process").put("status", "running")
                .put("restartPolicy", restartPolicy);
        ObjectNode envNode = m.putObject("env");
        envNode.putObject("MODE").put("value", mode);
        env.forEach((k, v) -> envNode.putObject(k).put("value", v));
        m.putObject("settings").put("image", pkg.toString());
        return m;
    }

    /** Applies a deployment of {@code modules} (name → {@link #module}) with applyConfigurationContent. */
    public void deploy(Map<String, ObjectNode> modules) {
        ObjectNode content = Json.object();
        ObjectNode desired = content.putObject("modulesContent").putObject("$edgeAgent").putObject("properties.desired");
        desired.put("schemaVersion", "1.1");
        desired.putObject("runtime").put("type", "process").putObject("settings");
        desired.putObject("systemModules").putObject("edgeAgent").put("type", "process")
                .putObject("settings").put("image", "brink-edge");
        ObjectNode mods = desired.putObject("modules");
        new TreeMap<>(modules).forEach(mods::set);
        content.with("modulesContent").putObject("$edgeHub").putObject("properties.desired")
                .put("schemaVersion", "1.1").putObject("routes");
        service.applyConfigurationContent(DEVICE, content);
    }

    public JsonNode reported() {
        return service.getTwin(DEVICE, "$edgeAgent").at("/properties/reported");
    }

    public JsonNode awaitReported(Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = reported();
            return condition.test(last[0]);
        });
        return last[0];
    }

    public static boolean running(JsonNode reported, String... modules) {
        for (String m : modules) {
            if (!reported.at("/modules/" + m + "/runtimeStatus").asText().equals("running")) {
                return false;
            }
        }
        return true;
    }

    /** The pid the module's current instance wrote, once there is one. */
    public long pid(String module) {
        await().atMost(WAIT).until(() -> pidOrZero(module) != 0);
        return pidOrZero(module);
    }

    public long pidOrZero(String module) {
        try {
            String text = Files.readString(out.resolve(module + ".pid")).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** How many times the module's process started (lines in {@code out/<module>.starts}). */
    public int starts(String module) {
        try {
            return (int) Files.readAllLines(out.resolve(module + ".starts")).stream().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            return 0;
        }
    }

    public static boolean alive(long pid) {
        return pid != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        hub.close();
    }

    /** Test hygiene: no module process outlives a test, whatever failed. */
    public void killLeftovers(String... modules) {
        for (String m : modules) {
            long pid = pidOrZero(m);
            if (pid != 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private Path modulePackage(Path work) throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("brink-module.json"), "{\"entrypoint\": [\"/bin/sh\", \"run.sh\"], "
                + "\"env\": {\"OUT_DIR\": \"" + out + "\"}}");
        Files.writeString(work.resolve("run.sh"), """
                echo $$ > "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp"
                mv "$OUT_DIR/$IOTEDGE_MODULEID.pid.tmp" "$OUT_DIR/$IOTEDGE_MODULEID.pid"
                echo "$$" >> "$OUT_DIR/$IOTEDGE_MODULEID.starts"
                echo "module $IOTEDGE_MODULEID started in mode $MODE"
                case "$MODE" in
                  tick) i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.1; done ;;
                  exit) sleep "${AFTER:-0}"; echo "exiting with $CODE"; exit "$CODE" ;;
                  crash) sleep "${AFTER:-0}"; echo "crashing"; kill -KILL $$ ;;
                  chatter) i=0; while [ $i -lt "$LINES" ]; do
                      echo "line $i ........................................................................................"
                      i=$((i+1)); done; exec sleep 100000 ;;
                  *) exec sleep 100000 ;;
                esac
                """);
        Path tar = dir.resolve("module.tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tar.toString(), "-C", work.toString(), "brink-module.json", "run.sh")
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
