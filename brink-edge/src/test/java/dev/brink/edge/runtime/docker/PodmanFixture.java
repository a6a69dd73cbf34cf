package dev.brink.edge.runtime.docker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.brink.edge.PodmanService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A private Podman Docker-API service, a test image and (on demand) a password-protected OCI registry,
 * all started by the tests themselves as child processes in a temp dir — so a machine with podman
 * installed just works — and all removed again by {@link #close()}.
 *
 * <p>Needs root (podman's rootful storage) and the packages that {@code .ci/setup-podman.sh} installs;
 * without {@code podman} on the PATH the tests are skipped (JUnit assumptions), never failed.
 */
final class PodmanFixture implements AutoCloseable {

    static final String REGISTRY_USER = "brink-puller";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    private static final SecureRandom RANDOM = new SecureRandom();
    final String runId = hex(4);
    final String deviceId = "brink-test-" + runId;
    /** The test image, imported from a rootfs tar holding Debian's static busybox. */
    final String image = "localhost/brink-test-busybox:" + runId;
    final String registryPassword = "pw-" + hex(8);
    final int registryPort;
    private final PodmanService service;
    private final List<String> foreignContainers = new ArrayList<>();
    private final List<String> extraImages = new ArrayList<>();
    // A crashed or killed test JVM must not leave the registry behind (the service has a hook of its own).
    private final Thread shutdownHook = new Thread(this::stopRegistry);
    private Process registry;
    private String registryImage;

    static PodmanFixture startOrSkip() throws Exception {
        assumeTrue(PodmanService.onPath("podman"), "podman is not installed: docker runtime tests skipped "
                + "(run `sudo bash .ci/setup-podman.sh` to install and configure it)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox (Debian busybox-static) is missing: docker runtime tests skipped (.ci/setup-podman.sh)");
        return new PodmanFixture();
    }

    private PodmanFixture() throws Exception {
        dir = Files.createTempDirectory("brink-podman-");
        registryPort = freePort();
        // The registry serves plain HTTP on loopback; podman's Docker API has no per-pull tls-verify flag, so
        // the service reads a registries.conf of its own that marks exactly that address insecure.
        Path registriesConf = dir.resolve("registries.conf");
        Files.writeString(registriesConf, "[[registry]]\nlocation = \"127.0.0.1:" + registryPort + "\"\ninsecure = true\n");
        try {
            service = new PodmanService(dir, Map.of("CONTAINERS_REGISTRIES_CONF", registriesConf.toString()));
        } catch (Exception | AssertionError e) {
            deleteRecursively(dir);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            buildImage();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** Stops the API service (containers keep running under conmon), runs {@code whileDown}, starts it again. */
    void restartService(PodmanService.ThrowingRunnable whileDown) throws Exception {
        service.restart(whileDown);
    }

    URI engineUri() {
        return service.engineUri();
    }

    /** A plain docker-java client on the service, for checks through the Docker API itself (caller closes). */
    DockerClient engineClient() {
        DockerClientConfig config = new DefaultDockerClientConfig.Builder().withDockerHost(engineUri().toString()).build();
        return DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    /** The registry reference of the test image, pushed on first use (password-protected, loopback). */
    synchronized String registryImage() throws Exception {
        if (registryImage != null) {
            return registryImage;
        }
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-registry")),
                "Debian's docker-registry is not installed: pull test skipped (.ci/setup-podman.sh)");
        Path data = Files.createDirectories(dir.resolve("registry"));
        String hash = OpenBSDBCrypt.generate("2y", registryPassword.toCharArray(), salt(), 6);
        Files.writeString(data.resolve("htpasswd"), REGISTRY_USER + ":" + hash + "\n");
        Files.writeString(data.resolve("config.yml"), String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + data.resolve("storage"),
                "http:",
                "  addr: 127.0.0.1:" + registryPort,
                "  secret: brink-test-" + runId,
                "auth:",
                "  htpasswd:",
                "    realm: brink-test",
                "    path: " + data.resolve("htpasswd"),
                ""));
        registry = new ProcessBuilder("/usr/bin/docker-registry", "serve", data.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("registry.log").toFile())
                .start();
        awaitPort(registryPort, registry, data.resolve("registry.log"));
        String ref = "127.0.0.1:" + registryPort + "/brink/busybox:" + runId;
        podman("push", "--tls-verify=false", "--creds", REGISTRY_USER + ":" + registryPassword, image, "docker://" + ref);
        registryImage = ref;
        extraImages.add(ref);
        return ref;
    }

    String registryAddress() {
        return "127.0.0.1:" + registryPort;
    }

    /** Registers a container the tests made behind Brink's back, for cleanup. */
    String foreign(String name) {
        foreignContainers.add(name);
        return name;
    }

    boolean containerExists(String name) throws Exception {
        return run(List.of("podman", "container", "exists", name), false).exitCode() == 0;
    }

    boolean imageExists(String ref) throws Exception {
        return run(List.of("podman", "image", "exists", ref), false).exitCode() == 0;
    }

    void removeImageIfPresent(String ref) throws Exception {
        run(List.of("podman", "rmi", "-f", ref), false);
    }

    JsonNode inspect(String container) throws Exception {
        return JSON.readTree(podman("container", "inspect", container)).get(0);
    }

    String podman(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(Arrays.asList(args));
        return run(command, true).stdout();
    }

    private void buildImage() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "env", "sleep", "cat", "echo", "ls", "test", "true", "seq")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Path tar = dir.resolve("rootfs.tar");
        run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), true);
        podman("import", "--change", "CMD [\"/bin/sh\"]", "--change", "ENV PATH=/bin", tar.toString(), image);
    }

    private static void awaitPort(int port, Process process, Path logFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(logFile));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("docker-registry did not listen on " + port);
    }

    @Override
    public void close() {
        try {
            String ids = run(List.of("podman", "ps", "-a", "-q", "--filter", "label=dev.brink.device=" + deviceId), false)
                    .stdout().strip();
            List<String> remove = new ArrayList<>(foreignContainers);
            if (!ids.isEmpty()) {
                remove.addAll(Arrays.asList(ids.split("\\s+")));
            }
            if (!remove.isEmpty()) {
                List<String> cmd = new ArrayList<>(List.of("podman", "rm", "-f", "-t", "0", "--ignore"));
                cmd.addAll(remove);
                run(cmd, false);
            }
            for (String ref : extraImages) {
                run(List.of("podman", "rmi", "-f", ref), false);
            }
            run(List.of("podman", "rmi", "-f", image), false);
        } catch (Exception e) {
            System.err.println("podman cleanup failed: " + e);
        } finally {
            stopRegistry();
            service.close();
            deleteRecursively(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private synchronized void stopRegistry() {
        PodmanService.stop(registry);
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }

    private PodmanService.Result run(List<String> command, boolean check) throws Exception {
        return PodmanService.run(dir, new ProcessBuilder(command), COMMAND_TIMEOUT, check);
    }

    private static byte[] salt() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
