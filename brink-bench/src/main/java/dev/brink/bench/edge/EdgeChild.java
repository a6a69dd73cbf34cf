package dev.brink.bench.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge runtime under test in its own JVM ({@code dev.brink.edge.EdgeMain --config edge.toml}, this JVM's
 * class path, the given JVM flags), so its RSS is its own. Output goes to a log file. {@link #close()} sends
 * SIGTERM (the runtime stops its modules) and SIGKILL after a grace period; a shutdown hook does the same if
 * the benchmark is interrupted.
 */
public final class EdgeChild implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final Thread hook;

    private EdgeChild(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.hook = new Thread(this::stop, "stop-edge-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static EdgeChild start(List<String> jvmFlags, Path edgeToml, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.brink.edge.EdgeMain");
        command.add("--config");
        command.add(edgeToml.toString());
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EdgeChild(process, log);
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the log has a line containing {@code text}. */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long stopAt = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < stopAt) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("the edge runtime exited with " + process.exitValue() + "; see " + log);
            }
            Thread.sleep(100);
        }
        throw new IOException("no '" + text + "' in " + log + " within " + timeout);
    }

    /** {@code VmRSS}, {@code VmHWM} (peak) in KiB and {@code Threads} from {@code /proc/<pid>/status}. */
    public Status status() throws IOException {
        long rss = 0;
        long hwm = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = number(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = number(line);
            } else if (line.startsWith("Threads:")) {
                threads = (int) number(line);
            }
        }
        return new Status(rss, hwm, threads);
    }

    public record Status(long rssKib, long peakKib, int threads) {
    }

    private static long number(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down and the hook runs anyway
        }
    }
}
