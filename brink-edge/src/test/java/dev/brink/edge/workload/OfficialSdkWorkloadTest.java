package dev.brink.edge.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK 2.5.0's {@code ModuleClient.createFromEnvironment(null, MQTT)} against the workload API,
 * in a child JVM because the SDK reads the IOTEDGE_* variables from the process environment. The token it gets
 * signed must verify with the module's key. (Connecting with it is the edge hub's business.)
 */
@Timeout(120)
class OfficialSdkWorkloadTest {
    private static final String HUB = "testhub.azure-devices.net";
    /**
     * The child's main class, read as soon as this class loads: the child then runs from a copy and does not
     * depend on target/test-classes, which concurrent builds in a shared checkout may be rewriting.
     */
    private static final Map<String, byte[]> MAIN_CLASSES = classFiles(OfficialSdkModuleMain.class,
            OfficialSdkModuleMain.JdkUnixChannel.class);

    @TempDir
    Path dir;
    private Vertx vertx;
    private WorkloadApi api;
    private final ModuleKey mod1 = new ModuleKey("mod1", "gen-17", Keys.generateKey());
    private final List<WorkloadRoutes.Handled> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        EdgeCa ca = EdgeCa.loadOrCreate(dir.resolve("ca"), "edge1");
        api = new WorkloadApi(vertx, dir.resolve("s"), ca, m -> Optional.of(mod1).filter(k -> k.moduleId().equals(m)),
                0);
        api.observe(handled::add);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void createFromEnvironmentWithAnHttpWorkloadUriGetsItsTokenSigned() throws Exception {
        String token = runSdk(api.devTcpUri().toString(), "http");

        assertSignedForMod1(token);
        assertThat(handled).contains(
                new WorkloadRoutes.Handled(null, "POST", "/modules/mod1/genid/gen-17/sign", 200),
                new WorkloadRoutes.Handled(null, "GET", "/trust-bundle", 200));
    }

    @Test
    void createFromEnvironmentWithAUnixWorkloadUriGetsItsTokenSigned() throws Exception {
        Path socket = api.openModuleSocket("mod1");

        String token = runSdk("unix://" + socket, "unix");

        assertSignedForMod1(token);
        assertThat(handled).contains(
                new WorkloadRoutes.Handled("mod1", "POST", "/modules/mod1/genid/gen-17/sign", 200),
                new WorkloadRoutes.Handled("mod1", "GET", "/trust-bundle", 200));
    }

    private void assertSignedForMod1(String token) {
        SasToken parsed = SasToken.parse(token);
        assertThat(parsed.resourceDecoded()).isEqualTo(HUB + "/devices/edge1/modules/mod1");
        assertThat(SasTokens.signatureMatches(parsed, mod1.primaryKey())).isTrue();
        assertThat(SasTokens.signatureMatches(parsed, Keys.generateKey())).isFalse();
    }

    /** Runs {@link OfficialSdkModuleMain} with the environment an edge runtime gives a module; returns its token. */
    private String runSdk(String workloadUri, String channel) throws IOException, InterruptedException {
        Path classes = dir.resolve("child-classes");
        for (Map.Entry<String, byte[]> e : MAIN_CLASSES.entrySet()) {
            Path file = classes.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path"),
                OfficialSdkModuleMain.class.getName(), channel).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("EdgeHubConnectionString");
        env.remove("IotHubConnectionString");
        env.putAll(Map.of("IOTEDGE_WORKLOADURI", workloadUri, "IOTEDGE_IOTHUBHOSTNAME", HUB,
                "IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1", "IOTEDGE_DEVICEID", "edge1", "IOTEDGE_MODULEID", "mod1",
                "IOTEDGE_MODULEGENERATIONID", "gen-17", "IOTEDGE_APIVERSION", "2019-01-30",
                "IOTEDGE_AUTHSCHEME", "sasToken"));
        Process child = pb.start();
        try {
            // The output is small; reading it to EOF also waits for the exit.
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            return out.lines().filter(l -> l.startsWith("TOKEN=")).map(l -> l.substring(6)).findFirst()
                    .orElseThrow(() -> new AssertionError("no token printed:\n" + out));
        } finally {
            child.destroyForcibly();
        }
    }

    private static Map<String, byte[]> classFiles(Class<?>... types) {
        Map<String, byte[]> out = new java.util.HashMap<>();
        for (Class<?> type : types) {
            String resource = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                out.put(resource, Objects.requireNonNull(in, resource).readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
