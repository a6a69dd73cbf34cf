package dev.brink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brink demo --duration 30} as a user runs it: the packaged command in its own JVM, with real child JVMs
 * for the hub and the edge runtime, the example modules' real process packages (the reactor packages them before
 * this module's integration tests), the default loopback ports. Asserts the demo's three facts from its output
 * and exit code, and that no process it started — hub, edge runtime, modules — is left afterwards.
 */
class DemoIT {
    /** Failsafe runs in the module directory; the jar is in its target/. */
    private static final Path JAR = Path.of("target", "brink.jar").toAbsolutePath();
    private static final Duration BOUND = Duration.ofSeconds(240);

    @Test
    @Timeout(300)
    void demoPassesItsChecksAndLeavesNothingRunning(@TempDir Path tmp) throws Exception {
        assertThat(JAR).exists();
        Path dir = tmp.resolve("demo");
        Path log = tmp.resolve("demo.out");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "demo", "--duration", "30", "--dir", dir.toString())
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        demo.getOutputStream().close();
        Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (demo.isAlive() && System.nanoTime() < deadline) {
            demo.descendants().forEach(seen::add);
            demo.waitFor(250, TimeUnit.MILLISECONDS);
        }
        boolean finished = !demo.isAlive();
        if (!finished) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("the demo ended within %s:%n%s", BOUND, out).isTrue();

        assertThat(out).contains("PASS  messages reached the hub", "PASS  twin change took effect",
                "PASS  nothing lost while offline", "PASS  clean stop", "All checks passed.");
        assertThat(demo.exitValue()).as(out).isZero();
        // the hubs, the edge runtime and both modules were seen, and none of them outlived the demo
        assertThat(seen.size()).as(out).isGreaterThanOrEqualTo(4);
        assertThat(seen.stream().filter(ProcessHandle::isAlive).toList()).as(out).isEmpty();
        assertThat(processesMentioning(dir)).as(out).isEmpty();
    }

    /** Any process whose command line names the demo directory (a module re-parented after its edge died). */
    private static List<String> processesMentioning(Path dir) {
        String needle = dir.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(line -> line.contains(needle)).toList();
    }
}
