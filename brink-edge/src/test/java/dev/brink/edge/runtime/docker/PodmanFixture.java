package dev.brink.edge.runtime.docker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
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
    private final Path socket;
    private Process service;
    private final List<String> foreignContainers = new ArrayList<>();
    private final List<String> extraImages = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopProcesses);
    private Process registry;
    private String registryImage;

    static PodmanFixture startOrSkip() throws Exception {
        assumeTrue(onPath("podman"), "podman is not installed: docker runtime tests skipped "
                + "(run `sudo bash .ci/setup-podman.sh` to install and configure it)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")),
                "/bin/busybox (Debian busybox-static) is missing: docker runtime tests skipped (.ci/setup-podman.sh)");
        return new PodmanFixture();
    }

    private PodmanFixture() throws Exception {
        dir = Files.createTempDirectory("brink-podman-");
        socket = dir.resolve("podman.sock");
        registryPort = freePort();
        // The registry serves plain HTTP on loopback; podman's Docker API has no per-pull tls-verify flag, so
        // the service reads a registries.conf of its own that marks exactly that address insecure.
        Path registriesConf = dir.resolve("registries.conf");
        Files.writeString(registriesConf, "[[registry]]\nlocation = \"127.0.0.1:" + registryPort + "\"\ninsecure = true\n");
        service = startService();
        // A crashed or killed test JVM must not leave the service behind.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitSocket();
            buildImage();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    private Process startService() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("podman-service.log").toFile()));
        pb.environment().put("CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
        return pb.start();
    }

    /** Stops the API service (containers keep running under conmon), runs {@code whileDown}, starts it again. */
    synchronized void restartService(ThrowingRunnable whileDown) throws Exception {
        service.destroy();
        if (!service.waitFor(10, TimeUnit.SECONDS)) {
            service.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(socket);
        try {
            whileDown.run();
        } finally {
            service = startService();
            awaitSocket();
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    URI engineUri() {
        return URI.create("unix://" + socket);
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
        return run(List.of("podman", "container", "exists", name), false).exitCode == 0;
    }

    boolean imageExists(String ref) throws Exception {
        return run(List.of("podman", "image", "exists", ref), false).exitCode == 0;
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
        Result r = run(command, true);
        return r.stdout;
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

    private void awaitSocket() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("podman system service exited: " + log("podman-service.log"));
            }
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException notYet) {
                    // retry
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("podman system service did not listen on " + socket);
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

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        try {
            String ids = run(List.of("podman", "ps", "-a", "-q", "--filter", "label=dev.brink.device=" + deviceId), false)
                    .stdout.strip();
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
            stopProcesses();
            deleteRecursively(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private synchronized void stopProcesses() {
        for (Process p : new Process[] {registry, service}) {
            if (p == null || !p.isAlive()) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    private record Result(int exitCode, String stdout) {
    }

    private Result run(List<String> command, boolean check) throws Exception {
        Path out = Files.createTempFile(dir, "cmd", ".out");
        Path err = Files.createTempFile(dir, "cmd", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + stderr);
        }
        return new Result(p.exitValue(), stdout);
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

    private static boolean onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, executable)));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
