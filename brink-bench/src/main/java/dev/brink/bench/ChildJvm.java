package dev.brink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in its own JVM (so its RSS and CPU are its own), started with this JVM's class path.
 * Its output goes to a log file, which is watched for the server's "ready" line. {@link #close()} sends
 * SIGTERM (the hub's shutdown hook closes the store cleanly) and escalates to SIGKILL after a grace period;
 * a shutdown hook does the same if the benchmark itself is interrupted.
 */
final class ChildJvm implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killer;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.killer = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts {@code mainClass} and waits until a line of its output matches {@code ready}.
     *
     * @return the child, and the ready line's first capture group via {@link #readyGroup}
     */
    static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args, Path log,
            Duration startTimeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildJvm(name, process, log);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a log line matching {@code ready}; returns its first group (or the whole line). */
    String awaitLine(Pattern ready, Duration timeout) throws IOException, InterruptedException {
        long stopAt = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < stopAt) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = ready.matcher(line);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : line;
                }
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            Thread.sleep(100);
        }
        stop();
        throw new IOException(name + " was not ready within " + timeout + "; see " + log);
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println(name + " ignored SIGTERM for " + STOP_GRACE + "; killing it");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
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
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (or ran) anyway
        }
    }
}
