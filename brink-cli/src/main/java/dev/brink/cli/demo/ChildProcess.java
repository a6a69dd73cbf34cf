package dev.brink.cli.demo;

import dev.brink.core.error.BrinkException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of the demo ({@code brink hub start} or {@code brink edge start}, through {@link ChildMain}), its
 * stdout and stderr appended to a log file. It runs in its own session ({@code setsid}) so a Ctrl-C in the
 * terminal reaches only the demo, which then stops the children in order (edge first, so the modules' last
 * messages are stored, then the hub). Every process ever seen below it (the edge's modules) is remembered, so
 * {@link #leftovers()} can prove after the stop that none survived.
 */
final class ChildProcess {
    private static final Path[] SETSID = {Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")};

    private final String name;
    private final Process process;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private OutputStream stdin;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        seen.add(process.toHandle());
    }

    /** Starts {@code java <jvmOptions> -cp <this classpath> ChildMain <args>} with output appended to {@code log}. */
    static ChildProcess start(String name, List<String> jvmOptions, List<String> args, Path log, Path workDir) {
        List<String> command = new ArrayList<>();
        for (Path setsid : SETSID) {
            if (Files.isExecutable(setsid)) {
                command.add(setsid.toString());
                break;
            }
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ChildProcess(name, p);
        } catch (IOException e) {
            throw BrinkException.invalid("cannot start the " + name + ": " + e.getMessage());
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Remembers the processes below this one now (called periodically while it runs). */
    void noteDescendants() {
        process.descendants().forEach(seen::add);
    }

    /**
     * SIGTERM, then up to {@code grace} for the child's own orderly shutdown (the edge runtime gives its modules
     * their stop grace period), then SIGKILL for whatever is left of the tree. Returns true when it ended on its own.
     */
    boolean stop(Duration grace) {
        noteDescendants();
        process.destroy();
        boolean clean = waitFor(grace);
        if (!clean) {
            seen.forEach(ProcessHandle::destroyForcibly);
            waitFor(Duration.ofSeconds(5));
        }
        closeStdin();
        for (ProcessHandle p : seen) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // still alive (reported by leftovers()) or interrupted
            }
        }
        return clean;
    }

    /** Last resort (the demo's JVM is exiting without an orderly stop): kill the whole remembered tree. */
    void kill() {
        noteDescendants();
        seen.forEach(ProcessHandle::destroyForcibly);
    }

    /** Processes of this child (itself, its modules) still running: empty after a successful {@link #stop}. */
    List<ProcessHandle> leftovers() {
        return seen.stream().filter(ProcessHandle::isAlive).toList();
    }

    int seenCount() {
        return seen.size();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeStdin() {
        try {
            if (stdin != null) {
                stdin.close();
            }
        } catch (IOException ignored) {
            // the child is gone; nothing to tell it
        }
        stdin = null;
    }
}
