package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One module instance: its directories and log, and at most one running process ({@link Run}). Lifecycle
 * calls (launch/stop) are serialised by the runtime; the exit of a run is handled on the exit executor and
 * only touches {@link #status} and the run, so status() and logs() never wait for a stop to finish.
 */
final class Instance {
    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);
    private static final Duration EXIT_HANDLING_BOUND = Duration.ofSeconds(30);
    private static final Duration LOG_DRAIN_BOUND = Duration.ofSeconds(2);

    /** One process execution. */
    private static final class Run {
        final Process process;
        final List<String> command;
        final Instant startedAt;
        final String imageId;
        final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
        final CompletableFuture<InstanceStatus> handled = new CompletableFuture<>();
        volatile boolean stopRequested;
        Thread pump;

        Run(Process process, List<String> command, Instant startedAt, String imageId) {
            this.process = process;
            this.command = command;
            this.startedAt = startedAt;
            this.imageId = imageId;
        }
    }

    final ModuleDirs dirs;
    final RotatingLog log;
    private final Clock clock;
    private final ProcessRuntimeOptions options;
    private final Executor exitExecutor;
    private final Consumer<InstanceStatus> exitSink;
    private volatile InstanceStatus status;
    private volatile Run current;

    Instance(ModuleDirs dirs, InstanceStatus initial, Clock clock, ProcessRuntimeOptions options,
             Executor exitExecutor, Consumer<InstanceStatus> exitSink) {
        this.dirs = dirs;
        this.status = initial;
        this.clock = clock;
        this.options = options;
        this.exitExecutor = exitExecutor;
        this.exitSink = exitSink;
        this.log = new RotatingLog(dirs.logs(), options.logFileBytes(), options.logFiles());
    }

    InstanceStatus status() {
        return status;
    }

    boolean running() {
        return current != null;
    }

    /** Starts a process in a fresh working directory. The caller made sure no run is current. */
    void launch(ModulePackage pkg, String image, String version, Map<String, String> env) {
        Instant startedAt = clock.instant();
        List<String> command;
        Process process;
        try {
            command = resolveProgram(pkg.command(), env.get("PATH"));
            PackageStore.deleteTree(dirs.work());
            Files.createDirectories(dirs.work());
            Files.createDirectories(dirs.logs());
            ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnGroup(command))
                    .directory(dirs.work().toFile())
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IllegalArgumentException e) {
            throw BrinkException.invalid("module " + dirs.name() + ": invalid environment: " + e.getMessage());
        } catch (IOException e) {
            status = new InstanceStatus(dirs.name(), State.FAILED, null, startedAt, clock.instant(),
                    "failed to start: " + e.getMessage(), pkg.imageId());
            throw new BrinkException(ErrorCode.ServerError, "module " + dirs.name() + " failed to start "
                    + pkg.command() + ": " + e.getMessage(), e);
        }
        Run run = new Run(process, command, startedAt, pkg.imageId());
        closeQuietly(process);
        recordFiles(run, image, version);
        current = run;
        status = new InstanceStatus(dirs.name(), State.RUNNING, null, startedAt, null, "running", pkg.imageId());
        LOG.info("module {}: started pid {} ({})", dirs.name(), process.pid(), String.join(" ", command));
        run.pump = pump(process);
        process.onExit().thenRunAsync(() -> handleExit(run), exitExecutor);
    }

    /** SIGTERM to the module and everything in its group, SIGKILL after {@code grace}; waits for the end. */
    void stop(Duration grace) {
        Run run = current;
        if (run == null) {
            return;
        }
        run.stopRequested = true;
        List<ProcessHandle> members = ProcessTree.members(run.process.toHandle());
        run.seen.addAll(members);
        LOG.info("module {}: stopping pid {} (SIGTERM to {} process(es), grace {})", dirs.name(),
                run.process.pid(), members.size(), grace);
        ProcessTree.signal(members, false);
        if (!waitFor(run.process.onExit(), grace)) {
            List<ProcessHandle> now = ProcessTree.members(run.process.toHandle());
            run.seen.addAll(now);
            LOG.info("module {}: still running after {}, SIGKILL", dirs.name(), grace);
            ProcessTree.signal(run.seen, true);
        }
        if (!waitFor(run.handled, EXIT_HANDLING_BOUND)) {
            LOG.warn("module {}: exit of pid {} not confirmed within {}", dirs.name(), run.process.pid(),
                    EXIT_HANDLING_BOUND);
        }
    }

    /** The module process ended: end what it left behind, then record and announce the exit. */
    private void handleExit(Run run) {
        try {
            int code = run.process.exitValue();
            List<ProcessHandle> leftovers = ProcessTree.members(run.process.toHandle());
            leftovers.addAll(run.seen);
            leftovers.removeIf(p -> !ProcessTree.isRunning(p));
            if (!leftovers.isEmpty()) {
                LOG.info("module {}: ending {} process(es) it left behind", dirs.name(), leftovers.size());
                ProcessTree.terminate(leftovers, run.stopRequested ? Duration.ZERO : options.leftoverGrace());
            }
            Files.deleteIfExists(dirs.pidFile());
            drainLog(run);
            boolean failed = code != 0 && !run.stopRequested;
            InstanceStatus exited = new InstanceStatus(dirs.name(), failed ? State.FAILED : State.EXITED, code,
                    run.startedAt, clock.instant(), describe(code, run.stopRequested), run.imageId);
            if (current == run) {
                status = exited;
                current = null;
            }
            LOG.info("module {}: pid {} {}", dirs.name(), run.process.pid(), exited.description());
            run.handled.complete(exited);
            exitSink.accept(exited);
        } catch (Throwable t) {
            LOG.error("module {}: exit handling failed", dirs.name(), t);
            if (current == run) {
                current = null;
            }
            run.handled.completeExceptionally(t);
        }
    }

    /**
     * The program as an absolute, executable path, looked up on the module's own PATH when bare. Checked
     * here because the {@code setsid} wrapper would turn "not found" into an exit code instead of an error.
     */
    static List<String> resolveProgram(List<String> command, String path) throws IOException {
        String program = command.get(0);
        Path found = null;
        if (program.contains("/")) {
            found = Path.of(program);
        } else {
            for (String dir : (path == null ? "" : path).split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
                if (dir.startsWith("/") && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    found = candidate;
                    break;
                }
            }
        }
        if (found == null || !Files.isRegularFile(found) || !Files.isExecutable(found)) {
            throw new IOException("'" + program + "' is not an executable file"
                    + (program.contains("/") ? "" : " on PATH"));
        }
        List<String> out = new ArrayList<>(command);
        out.set(0, found.toString());
        return out;
    }

    /** "exited with 1", "killed by signal 9 (SIGKILL)" (exit codes above 128 follow the shell's 128+n). */
    static String describe(int code, boolean stopped) {
        String what;
        if (code > 128 && code <= 128 + 64) {
            int signal = code - 128;
            String name = signalName(signal);
            what = "killed by signal " + signal + (name == null ? "" : " (SIG" + name + ")");
        } else {
            what = "exited with " + code;
        }
        return stopped ? "stopped: " + what : what;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "HUP";
            case 2 -> "INT";
            case 3 -> "QUIT";
            case 4 -> "ILL";
            case 6 -> "ABRT";
            case 7 -> "BUS";
            case 8 -> "FPE";
            case 9 -> "KILL";
            case 11 -> "SEGV";
            case 13 -> "PIPE";
            case 14 -> "ALRM";
            case 15 -> "TERM";
            default -> null;
        };
    }

    private void recordFiles(Run run, String image, String version) {
        try {
            InstanceFiles.write(dirs.pidFile(), InstanceFiles.PidRecord.of(run.process.toHandle()));
            InstanceFiles.write(dirs.instanceFile(), new InstanceFiles.InstanceRecord(dirs.name(), image,
                    run.imageId, version, run.startedAt.toString()));
        } catch (IOException e) {
            // the module runs regardless; only the clean-up after a crash of the runtime is weakened
            LOG.warn("module {}: cannot record pid file: {}", dirs.name(), e.toString());
        }
    }

    /** Copies stdout+stderr into the rotating log until the pipe closes (all writers gone). */
    private Thread pump(Process process) {
        Thread pump = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    log.write(buf, 0, n);
                }
            } catch (IOException e) {
                LOG.debug("module {}: log pump ended: {}", dirs.name(), e.toString());
            }
        }, "brink-module-log-" + dirs.name());
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /**
     * Lets the pump copy the module's last words before its exit is announced, so logs read after an exit
     * (GetModuleLogs after a crash) end with them. Bounded: a process that escaped the group may hold the
     * pipe open for ever.
     */
    private void drainLog(Run run) {
        try {
            run.pump.join(LOG_DRAIN_BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Modules get no stdin: EOF at once instead of a pipe nobody writes to. */
    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the process may already have exited
        }
    }

    private static boolean waitFor(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
