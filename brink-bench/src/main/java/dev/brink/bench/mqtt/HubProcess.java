package dev.brink.bench.mqtt;

import java.io.IOException;
import java.net.ServerSocket;
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
 * A Brink hub ({@code dev.brink.hub.HubMain}) in a child JVM, so that its RSS and CPU are its own. It gets a
 * fresh data directory, so it makes its own CA; benchmarks trust that CA from the data directory. Its pid is
 * written to {@code <work>/pids/} so that the calling script can kill it even if this JVM is killed; closing
 * sends SIGTERM (the hub closes its stores cleanly) and escalates to SIGKILL.
 */
final class HubProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Hub listening on https://(\\S+):(\\d+)");
    private static final Pattern SERVICE = Pattern.compile("Service connection string: (\\S+)");
    private static final Pattern CA = Pattern.compile("CA certificate: (\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final Path pidFile;
    private final Thread killer;
    private String serviceConnectionString;
    private Path caPem;
    private int httpsPort;
    private final int mqttPort;
    private final Path dataDir;

    private HubProcess(Process process, Path log, Path pidFile, int mqttPort, Path dataDir) {
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
        this.mqttPort = mqttPort;
        this.dataDir = dataDir;
        this.killer = new Thread(this::stop, "stop-hub");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts a hub on 127.0.0.1 with a new data directory under {@code work} and waits until it listens.
     *
     * @param jvmOptions the hub JVM's options (heap etc.), reported with the results
     */
    static HubProcess start(Path work, String name, List<String> jvmOptions) throws IOException, InterruptedException {
        Path dataDir = work.resolve(name + "-data");
        Path log = work.resolve(name + ".log");
        deleteRecursively(dataDir); // a fresh hub: no devices, sessions or events from an earlier run
        Files.createDirectories(work.resolve("pids"));
        int mqttPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.brink.hub.HubMain");
        command.addAll(List.of("--data", dataDir.toString(), "--host", "127.0.0.1", "--https-port", "0",
                "--mqtt-port", Integer.toString(mqttPort)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path pidFile = work.resolve("pids").resolve(name + ".pid");
        Files.writeString(pidFile, p.pid() + "\n");
        HubProcess hub = new HubProcess(p, log, pidFile, mqttPort, dataDir);
        try {
            hub.awaitReady();
        } catch (IOException | RuntimeException e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long stopAt = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < stopAt) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                find(SERVICE, line).ifPresent(v -> serviceConnectionString = v);
                find(CA, line).ifPresent(v -> caPem = Path.of(v));
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    httpsPort = Integer.parseInt(m.group(2));
                }
            }
            if (httpsPort > 0 && serviceConnectionString != null && caPem != null) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("the hub exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            Thread.sleep(100);
        }
        throw new IOException("the hub was not ready within " + START_TIMEOUT + "; see " + log);
    }

    private static java.util.Optional<String> find(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** A port that was free a moment ago (the hub prints its HTTPS port, not its MQTT port, so we choose). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    String serviceConnectionString() {
        return serviceConnectionString;
    }

    Path caPem() {
        return caPem;
    }

    int mqttPort() {
        return mqttPort;
    }

    Path dataDir() {
        return dataDir;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code jcmd <pid> Thread.print} into {@code file}: where the hub's threads are while under load. */
    void threadDump(Path file) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            System.err.println("thread dump failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    System.err.println("the hub ignored SIGTERM for " + STOP_GRACE + "; killing it");
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // the script's cleanup tolerates a stale pid file
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
