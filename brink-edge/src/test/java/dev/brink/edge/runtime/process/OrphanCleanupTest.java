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

    @Test
    void aRestartedRuntimeEndsTheModulesOfAKilledOne() throws Exception {
        Path runtimeDir = tmp.resolve("rt");
        Path pkg = TestPackages.shellTarGz(tmp.resolve("scripts.tar.gz"), null);
        host = new ProcessBuilder(ModulePackage.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                RuntimeHostMain.class.getName(), runtimeDir.toString(), pkg.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("started")) {
                // the runtime logs to stdout before it is ready
            }
        }
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

        // an unrelated live process behind a stale pid file must survive
        unrelated = new ProcessBuilder("sleep", "1000").start();
        Path stale = runtimeDir.resolve("instances/stale");
        Files.createDirectories(stale);
        InstanceFiles.write(stale.resolve("pid"), new InstanceFiles.PidRecord(unrelated.pid(),
                unrelated.toHandle().info().startInstant().map(i -> i.toEpochMilli()).orElse(null),
                "/some/module/bin/run.sh", ProcessTree.bootId()));

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
}
