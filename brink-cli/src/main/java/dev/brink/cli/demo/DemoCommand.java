package dev.brink.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code brink demo}: a hub and an edge device on this machine, the quickstart deployment, and the proof that it
 * works — see docs/demo.md. Exit code 0 only when every check passed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a hub and an edge device here, deploy the example modules (sensor -> filter -> $upstream), "
            + "change the filter's threshold through its twin, stop the hub for a while, and check that nothing was "
            + "lost. Exit code 0 only when all checks passed."})
public final class DemoCommand implements Callable<Integer> {
    /** Evaluate the twin check only on readings this old: their alerts have had time to arrive. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop this long after the modules are running (the scripted steps always finish first; "
                    + "default: run until Ctrl-C).")
    Integer durationSeconds;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".brink/demo",
            description = "Data and logs of the demo, wiped at start and kept afterwards (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--offline-seconds", paramLabel = "N", defaultValue = "5",
            description = "How long the hub stays stopped in the offline episode (default: ${DEFAULT-VALUE}).")
    int offlineSeconds;

    @Override
    public Integer call() {
        if (durationSeconds != null && durationSeconds < 1 || offlineSeconds < 1 || offlineSeconds > 600) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive and --offline-seconds 1-600");
        }
        // The servers log to their own files; this JVM only prints the demo.
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stop = new AtomicBoolean();
        Console console = new Console(out, stop::get);
        DemoLayout layout = DemoLayout.locate(dir);
        DemoServers.requirePortsFree();
        layout.prepare();
        DemoServers servers = new DemoServers(layout, console);
        Thread hook = new Thread(servers::killAll, "brink-demo-kill");
        Runtime.getRuntime().addShutdownHook(hook);
        onCtrlC(stop, servers, console);
        ScheduledExecutorService noter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-demo-processes");
            t.setDaemon(true);
            return t;
        });
        noter.scheduleWithFixedDelay(servers::noteDescendants, 1, 1, TimeUnit.SECONDS);

        console.plain("Brink demo: a hub and an edge device on this machine. Data and logs: " + layout.dir()
                + " (wiped at start)." + (durationSeconds == null ? " Ctrl-C stops it." : ""));
        DemoTour tour = new DemoTour(layout, console, servers,
                durationSeconds == null ? null : Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(offlineSeconds));
        String ending = null;
        try {
            tour.run();
        } catch (RuntimeException e) {
            ending = stop.get() ? "stopped by Ctrl-C" : "the tour ended early: " + e.getMessage();
        }
        List<Check> checks = new ArrayList<>();
        Ledger ledger = tour.ledger();
        checks.add(ledger.delivered());
        checks.add(ledger.twinChange(Instant.now().minus(SETTLE)));
        checks.add(ledger.offline());
        tour.stopWatching();

        console.step("Stop");
        servers.stopAll();
        noter.shutdownNow();
        List<ProcessHandle> left = servers.leftovers();
        checks.add(left.isEmpty() ? Check.pass("clean stop", servers.processSummary() + " started, none left running")
                : Check.fail("clean stop", "still running: pids " + left.stream().map(ProcessHandle::pid).toList()));
        removeHook(hook);

        console.step("Summary");
        if (ending != null) {
            console.plain("   " + ending);
        }
        checks.forEach(c -> console.plain("   " + c.line()));
        boolean passed = checks.stream().allMatch(Check::passed);
        console.plain(passed ? "All checks passed."
                : "Some checks failed; the logs are in " + layout.dir().resolve("logs"));
        return passed ? 0 : 1;
    }

    /** First Ctrl-C: finish in order (stop, check, summarise). Second: kill everything now. */
    private static void onCtrlC(AtomicBoolean stop, DemoServers servers, Console console) {
        try {
            Signal.handle(new Signal("INT"), sig -> {
                if (stop.getAndSet(true)) {
                    servers.killAll();
                    Runtime.getRuntime().halt(130);
                }
                console.plain("\nStopping (Ctrl-C again to kill everything at once) ...");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT handling here (an unusual JVM): the shutdown hook still kills the children
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // already running: it finds nothing left to kill
        }
    }
}
