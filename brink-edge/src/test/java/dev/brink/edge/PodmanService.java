package dev.brink.edge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker-API service ({@code podman system service --time=0}) on {@code {dir}/podman.sock}, logging to
 * {@code {dir}/podman-service.log}, for the tests that drive the docker runtime through a real engine. Started
 * blocking until the socket answers; a shutdown hook stops it should the test JVM be killed. Also the bounded
 * command runner those tests use for {@code podman} CLI calls.
 */
public final class PodmanService implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** One finished command: its exit code and standard output. */
    public record Result(int exitCode, String stdout) {
    }

    private final Path dir;
    private final Path socket;
    private final Map<String, String> environment;
    private final Thread shutdownHook = new Thread(this::stopProcess);
    private Process process; // guarded by this

    /** Starts the service with {@code environment} added to its own (e.g. CONTAINERS_REGISTRIES_CONF). */
    public PodmanService(Path dir, Map<String, String> environment) throws Exception {
        this.dir = dir;
        this.socket = dir.resolve("podman.sock");
        this.environment = Map.copyOf(environment);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            start();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    public URI engineUri() {
        return URI.create("unix://" + socket);
    }

    /** Stops the API service (containers keep running under conmon), runs {@code whileDown}, starts it again. */
    public synchronized void restart(ThrowingRunnable whileDown) throws Exception {
        stopProcess();
        Files.deleteIfExists(socket);
        try {
            whileDown.run();
        } finally {
            start();
        }
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private synchronized void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("podman", "system", "service", "--time=0", engineUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("podman-service.log").toFile()));
        pb.environment().putAll(environment);
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("podman system service exited: " + log());
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

    private String log() {
        try {
            return Files.readString(dir.resolve("podman-service.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private synchronized void stopProcess() {
        stop(process);
    }

    /** Stops the service (idempotent). */
    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** SIGTERM, then SIGKILL after 10 s; nothing if {@code p} is null or has ended. */
    public static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
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

    /**
     * Runs a command to completion within {@code timeout}, its output in temp files under {@code tmpDir}; with
     * {@code check} a non-zero exit fails with the command's stderr and stdout.
     */
    public static Result run(Path tmpDir, ProcessBuilder pb, Duration timeout, boolean check) throws Exception {
        Path out = Files.createTempFile(tmpDir, "cmd", ".out");
        Path err = Files.createTempFile(tmpDir, "cmd", ".err");
        if (!pb.redirectErrorStream()) {
            pb.redirectError(err.toFile());
        }
        Process p = pb.redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", pb.command()));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", pb.command()) + " failed (" + p.exitValue() + "): "
                    + stderr + stdout);
        }
        return new Result(p.exitValue(), stdout);
    }

    /** True if {@code executable} is an executable file in a directory of the PATH. */
    public static boolean onPath(String executable) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, executable)));
    }
}
