package dev.brink.edge.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runtime JVM killed with SIGKILL leaves its modules running; the next runtime on the same dir ends them. */
class OrphanCleanupTest {
    @TempDir
    Path tmp;
    Process host;
    Process unrelated;
    final List<Long> strays = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (Process p : new Process[] {host, unrelated}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        ProcessModuleRuntimeTest.assertNoChildProcesses();
    }

    static long pid(Path runtimeDir, String module, String file) throws Exception {
        return Long.parseLong(Files.readString(runtimeDir.resolve("instances").resolve(module).resolve("work")
                .resolve(file)).strip());
    }

    /** Starts {@link RuntimeHostMain} on {@code runtimeDir} and waits until its modules are ready. */
    void startHost(Path runtimeDir, Path pkg, String... modules) throws Exception {
        List<String> command = new ArrayList<>(List.of(ModulePackage.javaExecutable(), "-cp",
                System.getProperty("java.class.path"), RuntimeHostMain.class.getName(), runtimeDir.toString(),
                pkg.toString()));
        command.addAll(List.of(modules));
        host = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("started")) {
                // the runtime logs to stdout before it is ready
            }
        }
    }

    @Test
    void aRestartedRuntimeEndsTheModulesOfAKilledOne() throws Exception {
        Path runtimeDir = tmp.resolve("rt");
        Path pkg = TestPackages.shellTarGz(tmp.resolve("scripts.tar.gz"), null);
        startHost(runtimeDir, pkg);
        long module = pid(runtimeDir, "orphan", "module.pid");
        long grandchild = pid(runtimeDir, "orphan", "grandchild.pid");
        long headless = pid(runtimeDir, "headless", "module.pid");
        long headlessChild = pid(runtimeDir, "headless", "child.pid");
        long headlessGrandchild = pid(runtimeDir, "headless", "grandchild.pid");
        List<Long> all = List.of(module, grandchild, headless, headlessChild, headlessGrandchild);
        strays.addAll(all);

        host.destroyForcibly().waitFor(); // kill -9 of the runtime: its modules live on, orphaned
        assertThat(all).allMatch(ProcessTree::isRunning);
        // a module process that died after the runtime, leaving its children behind
        ProcessHandle.of(headless).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessTree.isRunning(headless));
        assertThat(List.of(headlessChild, headlessGrandchild)).allMatch(ProcessTree::isRunning);

        // an unrelated live process that reuses the pid of a stale pid file (it started later) must survive
        unrelated = new ProcessBuilder("sleep", "1000").start();
        Path stale = runtimeDir.resolve("instances/stale");
        Files.createDirectories(stale);
        long unrelatedStart = unrelated.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        Long unrelatedTicks = ProcessTree.startTicks(unrelated.pid()).orElse(null);
        InstanceFiles.write(stale.resolve("pid"), new InstanceFiles.PidRecord(unrelated.pid(),
                unrelatedStart - 60_000, unrelatedTicks == null ? null : unrelatedTicks - 6_000,
                ProcessTree.bootId()));

        try (ProcessModuleRuntime next = new ProcessModuleRuntime(runtimeDir, Clock.systemUTC(),
                ProcessRuntimeOptions.defaults().withGraces(Duration.ofSeconds(2), Duration.ofSeconds(1)))) {
            assertThat(all).noneMatch(ProcessTree::isRunning);
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(runtimeDir.resolve("instances/orphan/pid")).doesNotExist();

            InstanceStatus recovered = next.status("orphan").orElseThrow();
            assertThat(recovered.state()).isEqualTo(State.EXITED);
            assertThat(recovered.description()).contains("previous runtime");
            assertThat(recovered.imageId()).isEqualTo("sha256:" + TestPackages.sha256(pkg));
            assertThat(next.logs("orphan", 0)).contains("ready");
            assertThat(next.list()).extracting(InstanceStatus::name).containsExactly("headless", "orphan");

            next.start(new ModuleSpec("orphan", pkg.toString(), null,
                    Map.of("MODE", "exit", "CODE", "0"), null, null, null, "1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> next.status("orphan").orElseThrow().exitCode() != null);
            next.remove("orphan");
            next.remove("headless");
            assertThat(next.list()).isEmpty();
        }
    }

    @Test
    void aModuleThatExecsAnotherProgramIsStillEndedByTheNextRuntime() throws Exception {
        Path runtimeDir = tmp.resolve("rt");
        Path pkg = TestPackages.shellTarGz(tmp.resolve("scripts.tar.gz"), null);
        startHost(runtimeDir, pkg, "execer=execs");
        long module = pid(runtimeDir, "execer", "module.pid");
        long child = pid(runtimeDir, "execer", "child.pid");
        strays.addAll(List.of(module, child));
        // the module is now "sleep 1001": nothing of the package is left in its command line
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(module)
                .flatMap(p -> p.info().commandLine()).map(c -> c.contains("sleep 1001")).orElse(false));
        assertThat(ProcessHandle.of(module).flatMap(p -> p.info().commandLine()).orElseThrow())
                .doesNotContain(runtimeDir.toString());

        host.destroyForcibly().waitFor(); // kill -9 of the runtime
        assertThat(List.of(module, child)).allMatch(ProcessTree::isRunning);

        try (ProcessModuleRuntime next = new ProcessModuleRuntime(runtimeDir, Clock.systemUTC(),
                ProcessRuntimeOptions.defaults().withGraces(Duration.ofSeconds(2), Duration.ofSeconds(1)))) {
            assertThat(List.of(module, child)).noneMatch(ProcessTree::isRunning);
            assertThat(next.status("execer").orElseThrow().state()).isEqualTo(State.EXITED);
            next.remove("execer");
        }
    }
}
