package dev.brink.edge.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.brink.core.error.BrinkException;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import dev.brink.edge.runtime.ModuleSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runtime with real child processes: lifecycle, environment, logs, signals, process trees. */
class ProcessModuleRuntimeTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Path runtimeDir;
    Path tarGz;
    ProcessModuleRuntime runtime;
    final List<InstanceStatus> exits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        runtimeDir = tmp.resolve("rt");
        tarGz = TestPackages.shellTarGz(tmp.resolve("scripts.tar.gz"), null);
        runtime = newRuntime();
        runtime.onExit(exits::add);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        assertNoChildProcesses();
    }

    ProcessModuleRuntime newRuntime() {
        return new ProcessModuleRuntime(runtimeDir, Clock.systemUTC(), ProcessRuntimeOptions.defaults()
                .withLogBounds(4096, 3).withGraces(Duration.ofSeconds(5), Duration.ofSeconds(1)));
    }

    static ModuleSpec spec(String name, String image, Map<String, String> env) {
        return new ModuleSpec(name, image, null, env, null, null, null, "1.0");
    }

    ModuleSpec script(String name, String mode, String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("MODE", mode);
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return spec(name, tarGz.toString(), env);
    }

    Path work(String name) {
        return runtime.instanceDir(name).resolve("work");
    }

    long pidFrom(Path file) throws Exception {
        await().atMost(WAIT).until(() -> Files.isRegularFile(file) && !Files.readString(file).isBlank());
        return Long.parseLong(Files.readString(file).strip());
    }

    void awaitLog(String name, String line) {
        await().atMost(WAIT).until(() -> runtime.logs(name, 0).contains(line));
    }

    InstanceStatus awaitExited(String name) {
        await().atMost(WAIT).until(() -> runtime.status(name).map(s -> s.exitedAt() != null).orElse(false));
        return runtime.status(name).orElseThrow();
    }

    static void assertNoChildProcesses() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(ProcessHandle.current().descendants()
                .filter(ProcessTree::isRunning).map(p -> p.pid() + " " + p.info().commandLine().orElse("?")))
                .isEmpty());
    }

    @Test
    void startsStopsAndRemovesAnInstance() {
        runtime.start(script("sleeper", "sleep"));
        awaitLog("sleeper", "ready");
        InstanceStatus running = runtime.status("sleeper").orElseThrow();
        assertThat(running.state()).isEqualTo(State.RUNNING);
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.imageId()).startsWith("sha256:");
        assertThat(runtime.list()).extracting(InstanceStatus::name).containsExactly("sleeper");
        assertThat(runtime.kind()).isEqualTo("process");

        runtime.stop("sleeper", Duration.ofSeconds(10));

        InstanceStatus stopped = runtime.status("sleeper").orElseThrow();
        assertThat(stopped.state()).isEqualTo(State.EXITED);
        assertThat(stopped.exitCode()).isZero();
        assertThat(stopped.description()).isEqualTo("stopped: exited with 0");
        assertThat(runtime.logs("sleeper", 1)).containsExactly("got TERM");
        await().atMost(WAIT).until(() -> exits.stream().anyMatch(s -> s.name().equals("sleeper")));
        runtime.stop("sleeper", Duration.ofSeconds(1)); // no-op when not running

        runtime.remove("sleeper");
        assertThat(runtime.status("sleeper")).isEmpty();
        assertThat(runtime.list()).isEmpty();
        assertThat(runtime.instanceDir("sleeper")).doesNotExist();
        runtime.remove("sleeper"); // idempotent
    }

    @Test
    void passesExactlyTheGivenEnvironmentInAFreshWorkingDirectory() throws Exception {
        runtime.start(script("env-mod", "env", "FOO", "bar baz", "OVERRIDDEN", "by spec"));
        InstanceStatus exited = awaitExited("env-mod");
        assertThat(exited.exitCode()).isZero();
        List<String> logs = runtime.logs("env-mod", 0);
        Map<String, String> env = logs.stream().filter(l -> l.startsWith("ENV "))
                .map(l -> l.substring(4).split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
        Path work = work("env-mod");
        assertThat(env).containsEntry("FOO", "bar baz").containsEntry("MODE", "env")
                .containsEntry("OVERRIDDEN", "by spec").containsEntry("FROM_MANIFEST", "m")
                .containsEntry("HOME", work.toString()).containsKeys("PATH", "LANG");
        assertThat(env.get("PKG")).endsWith("/root/share").startsWith(runtimeDir.resolve("packages").toString());
        // nothing else of the runtime's environment leaks in (sh itself adds PWD)
        Set<String> allowed = Set.of("FOO", "MODE", "OVERRIDDEN", "FROM_MANIFEST", "PKG", "HOME", "PATH", "LANG",
                "TZ", "PWD");
        assertThat(env.keySet()).isSubsetOf(allowed);
        assertThat(System.getenv().keySet().stream().filter(k -> !allowed.contains(k)))
                .allSatisfy(k -> assertThat(env).doesNotContainKey(k));
        assertThat(logs).contains("PWD " + work, "package data").doesNotContain("STALE");
        assertThat(logs.stream().filter(l -> l.startsWith("ARGS ")).findFirst().orElseThrow())
                .startsWith("ARGS --flag /").endsWith("/root/share/data.txt");
        assertThat(work.resolve("state.txt")).hasContent("hello");
        assertThat(runtime.instanceDir("env-mod").resolve("logs").resolve("module.log")).exists();

        runtime.start(script("env-mod", "env")); // a new create: fresh working directory, logs kept
        await().atMost(WAIT).until(() -> runtime.logs("env-mod", 0).stream()
                .filter(l -> l.startsWith("PWD ")).count() == 2);
        awaitExited("env-mod");
        assertThat(runtime.logs("env-mod", 0)).doesNotContain("STALE");
    }

    @Test
    void onePackageUnderTwoNamesRunsTwoInstancesSharingTheCachedPackage() throws Exception {
        runtime.start(script("first", "sleep"));
        runtime.start(script("second", "sleep"));
        awaitLog("first", "ready");
        awaitLog("second", "ready");
        long first = pidFrom(work("first").resolve("module.pid"));
        long second = pidFrom(work("second").resolve("module.pid"));
        assertThat(first).isNotEqualTo(second);
        assertThat(runtime.status("first").orElseThrow().imageId())
                .isEqualTo(runtime.status("second").orElseThrow().imageId())
                .isEqualTo("sha256:" + TestPackages.sha256(tarGz));
        try (Stream<Path> cached = Files.list(runtimeDir.resolve("packages/sha256"))) {
            assertThat(cached).hasSize(1);
        }
        runtime.remove("first");
        assertThat(ProcessTree.isRunning(first)).isFalse();
        assertThat(ProcessTree.isRunning(second)).isTrue();
        assertThat(runtime.status("second").orElseThrow().state()).isEqualTo(State.RUNNING);
    }

    @Test
    void capturesLogsInBoundedRotatingFiles() throws Exception {
        runtime.start(script("chatty", "chatter", "LINES", "1000"));
        awaitExited("chatty");
        Path logs = runtime.instanceDir("chatty").resolve("logs");
        try (Stream<Path> files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("module.log", "module.log.1", "module.log.2");
        }
        for (String f : List.of("module.log", "module.log.1", "module.log.2")) {
            assertThat(Files.size(logs.resolve(f))).isLessThanOrEqualTo(4096);
        }
        List<String> all = runtime.logs("chatty", 0);
        assertThat(all.get(all.size() - 1)).startsWith("line 999 ");
        assertThat(all.size()).isBetween(150, 250); // about 3 × 4096 bytes of 51-byte lines
        int firstKept = Integer.parseInt(all.get(0).split(" ")[1]);
        for (int i = 0; i < all.size(); i++) { // whole lines, in order, none lost between the files
            assertThat(all.get(i)).startsWith("line " + (firstKept + i) + " ");
        }
        assertThat(runtime.logs("chatty", 3)).containsExactly(all.get(all.size() - 3), all.get(all.size() - 2),
                all.get(all.size() - 1));
        assertThat(runtime.logs("unknown", 10)).isEmpty();
    }

    @Test
    void sendsSigkillAfterTheGracePeriodWhenSigtermIsIgnored() throws Exception {
        runtime.start(script("stubborn", "ignore"));
        awaitLog("stubborn", "ready");
        long pid = pidFrom(work("stubborn").resolve("module.pid"));
        long t0 = System.nanoTime();
        runtime.stop("stubborn", Duration.ofMillis(1500));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(10));
        InstanceStatus status = runtime.status("stubborn").orElseThrow();
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.description()).isEqualTo("stopped: killed by signal 9 (SIGKILL)");
        assertThat(status.state()).isEqualTo(State.EXITED);
        assertThat(ProcessTree.isRunning(pid)).isFalse();
    }

    @Test
    void childProcessesEndWithTheModuleWhenStopped() throws Exception {
        runtime.start(script("tree", "tree"));
        awaitLog("tree", "ready");
        long module = pidFrom(work("tree").resolve("module.pid"));
        long child = pidFrom(work("tree").resolve("child.pid"));
        long grandchild = pidFrom(work("tree").resolve("grandchild.pid"));
        assertThat(List.of(module, child, grandchild)).allMatch(ProcessTree::isRunning);

        runtime.stop("tree", Duration.ofSeconds(5));

        assertThat(List.of(module, child, grandchild)).noneMatch(ProcessTree::isRunning);
    }

    @Test
    void aCrashIsReportedAndTheModulesChildrenEndWithIt() throws Exception {
        runtime.start(script("crashy", "tree"));
        awaitLog("crashy", "ready");
        long module = pidFrom(work("crashy").resolve("module.pid"));
        long grandchild = pidFrom(work("crashy").resolve("grandchild.pid"));

        ProcessHandle.of(module).orElseThrow().destroyForcibly(); // kill -9 from outside

        await().atMost(WAIT).until(() -> exits.stream().anyMatch(s -> s.name().equals("crashy")));
        InstanceStatus crashed = exits.stream().filter(s -> s.name().equals("crashy")).findFirst().orElseThrow();
        assertThat(crashed.state()).isEqualTo(State.FAILED);
        assertThat(crashed.exitCode()).isEqualTo(137);
        assertThat(crashed.description()).isEqualTo("killed by signal 9 (SIGKILL)");
        assertThat(crashed.exitedAt()).isNotNull();
        assertThat(runtime.status("crashy").orElseThrow()).isEqualTo(crashed);
        assertThat(ProcessTree.isRunning(grandchild)).isFalse();
    }

    @Test
    void reportsExitCodesToTheListeners() {
        runtime.start(script("ok", "exit", "CODE", "0"));
        runtime.start(script("bad", "exit", "CODE", "1"));
        await().atMost(WAIT).until(() -> exits.size() == 2);
        InstanceStatus ok = runtime.status("ok").orElseThrow();
        InstanceStatus bad = runtime.status("bad").orElseThrow();
        assertThat(ok.state()).isEqualTo(State.EXITED);
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.description()).isEqualTo("exited with 0");
        assertThat(bad.state()).isEqualTo(State.FAILED);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.description()).isEqualTo("exited with 1");
        assertThat(exits).containsExactlyInAnyOrder(ok, bad);
        assertThat(runtime.logs("bad", 0)).containsExactly("exiting with 1");

        runtime.start(script("bad", "exit", "CODE", "0")); // restarting replaces the exited instance
        await().atMost(WAIT).until(() -> exits.size() == 3);
        assertThat(runtime.status("bad").orElseThrow().exitCode()).isZero();
        assertThat(runtime.logs("bad", 0)).containsExactly("exiting with 1", "exiting with 0");
    }

    @Test
    void runsARunnableJarWithTheRuntimesJvm() throws Exception {
        Path jar = TestPackages.runnableJar(tmp.resolve("module.jar"));
        runtime.start(spec("jarmod", jar.toString(), Map.of("GREETING", "hi", "EXIT_CODE", "3")));
        InstanceStatus exited = awaitExited("jarmod");
        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.description()).isEqualTo("exited with 3");
        assertThat(runtime.logs("jarmod", 0)).contains("jar module says hi", "to stderr",
                "java.home=" + System.getProperty("java.home"), "user.dir=" + work("jarmod"));
    }

    @Test
    void refusesBadNamesAndMapsOddOnesToSafeDirectories() {
        for (String bad : new String[] {"a/b", "../x", "", "a b", "x\u0000"}) {
            assertThatThrownBy(() -> runtime.start(script(bad, "exit", "CODE", "0")))
                    .isInstanceOf(BrinkException.class);
            assertThatThrownBy(() -> runtime.remove(bad)).isInstanceOf(BrinkException.class);
        }
        assertThatThrownBy(() -> runtime.start(script(null, "exit", "CODE", "0"))).isInstanceOf(BrinkException.class);
        assertThat(ModuleDirs.dirName("..")).isEqualTo("%2E%2E");
        assertThat(ModuleDirs.dirName("$edgeHub")).isEqualTo("%24edgeHub");
        assertThat(ModuleDirs.dirName("a%2E")).isEqualTo("a%252E");
        assertThat(ModuleDirs.dirName("temp-sensor_1")).isEqualTo("temp-sensor_1");
        String longest = "*".repeat(128);
        assertThat(ModuleDirs.dirName(longest)).hasSizeLessThanOrEqualTo(200)
                .isNotEqualTo(ModuleDirs.dirName("*".repeat(127) + "?"));

        runtime.start(script("..", "exit", "CODE", "0"));
        awaitExited("..");
        assertThat(runtime.instanceDir("..")).isEqualTo(runtimeDir.toAbsolutePath().resolve("instances/%2E%2E"));
        assertThat(runtime.instanceDir("..").resolve("work/module.pid")).exists();
        assertThat(runtime.status("..").orElseThrow().exitCode()).isZero();
    }
}
