package dev.brink.edge.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import dev.brink.edge.runtime.ModuleSpec;
import dev.brink.edge.runtime.ModuleSpec.RegistryCredential;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DockerModuleRuntime} against a real Podman Docker-API service (see {@link PodmanFixture}).
 * Every test uses its own module names, and every container, image and child process is removed after.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DockerModuleRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PodmanFixture podman;
    private static DockerModuleRuntime runtime;
    private static final BlockingQueue<InstanceStatus> exits = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startPodman() throws Exception {
        podman = PodmanFixture.startOrSkip();
        runtime = new DockerModuleRuntime(podman.engineUri(), podman.deviceId);
        runtime.onExit(exits::add);
    }

    @AfterAll
    static void stopPodman() {
        if (runtime != null) {
            runtime.close();
        }
        if (podman != null) {
            podman.close();
        }
    }

    @BeforeEach
    void clearExits() {
        exits.clear();
    }

    private static ModuleSpec spec(String name, String createOptions, Map<String, String> env) {
        return new ModuleSpec(name, podman.image, createOptions, env, "never", null, null, "1.0");
    }

    private static String cmd(String shell) {
        return "{\"Cmd\":[\"sh\",\"-c\"," + json(shell) + "]}";
    }

    /** Busybox sh as PID 1 ignores SIGTERM; this one ends at once when stopped (keeps the tests fast). */
    private static final String SLEEP = "trap 'exit 0' TERM; sleep 1000 & wait";

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static InstanceStatus awaitExit(String module) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            InstanceStatus s = exits.poll(200, TimeUnit.MILLISECONDS);
            if (s != null && s.name().equals(module)) {
                return s;
            }
        }
        throw new AssertionError("no exit reported for " + module);
    }

    @Test
    void createsStartsStopsAndRemoves() throws Exception {
        String module = "lifecycle";
        runtime.start(spec(module, cmd("sleep 1000"), Map.of()));

        InstanceStatus running = runtime.status(module).orElseThrow();
        assertThat(running.state()).isEqualTo(State.RUNNING);
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.imageId()).isNotBlank();
        assertThat(runtime.list()).extracting(InstanceStatus::name).contains(module);
        assertThat(podman.containerExists(module)).as("container named after the module").isTrue();

        runtime.stop(module, Duration.ofSeconds(1)); // busybox sh as PID 1 ignores SIGTERM: killed after the grace
        InstanceStatus stopped = awaitExit(module);
        assertThat(stopped.state()).isEqualTo(State.EXITED);
        assertThat(stopped.description()).startsWith("stopped");
        assertThat(runtime.status(module).orElseThrow().state()).isEqualTo(State.EXITED);

        runtime.stop(module, Duration.ofSeconds(1)); // no-op when not running
        runtime.remove(module);
        assertThat(runtime.status(module)).isEmpty();
        assertThat(podman.containerExists(module)).isFalse();
        runtime.remove(module); // idempotent
    }

    @Test
    void startReplacesTheModulesPreviousContainer() throws Exception {
        String module = "replaced";
        runtime.start(spec(module, cmd(SLEEP), Map.of()));
        String first = podman.inspect(module).get("Id").asText();
        runtime.start(spec(module, cmd(SLEEP), Map.of()));
        String second = podman.inspect(module).get("Id").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(runtime.list()).filteredOn(s -> s.name().equals(module)).hasSize(1);
        runtime.remove(module);
    }

    @Test
    void passesEnvironmentAndMountsTheWorkloadSocket() throws Exception {
        String module = "envmod";
        Path socketDir = Files.createDirectories(podman.dir.resolve("sockets").resolve(module));
        Path socket = socketDir.resolve("workload.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Map<String, String> env = Map.of(
                    "IOTEDGE_MODULEID", module,
                    "IOTEDGE_WORKLOADURI", "unix://" + socket, // the host path: rewritten for the container
                    "GREETING", "hello world",
                    "OVERRIDDEN", "from-module-env");
            String options = "{\"Env\":[\"OVERRIDDEN=from-create-options\"],\"Cmd\":[\"sh\",\"-c\","
                    + json("env; test -S /var/run/iotedge/workload.sock && echo SOCKET_OK; " + SLEEP) + "]}";
            runtime.start(new ModuleSpec(module, podman.image, options, env, "never", null, socket, "2"));

            await().atMost(WAIT).until(() -> runtime.logs(module, 0).contains("SOCKET_OK"));
            List<String> logs = runtime.logs(module, 0);
            assertThat(logs).contains(
                    "IOTEDGE_MODULEID=" + module,
                    "IOTEDGE_WORKLOADURI=unix:///var/run/iotedge/workload.sock",
                    "GREETING=hello world",
                    "OVERRIDDEN=from-create-options");
            runtime.remove(module);
        }
    }

    @Test
    void labelsContainersAsBrinks() throws Exception {
        String module = "labelled";
        runtime.start(new ModuleSpec(module, podman.image,
                "{\"Labels\":{\"com.example.team\":\"edge\",\"dev.brink.managed\":\"false\"},\"Cmd\":[\"sleep\",\"1000\"],\"StopSignal\":\"SIGKILL\"}",
                Map.of(), "never", null, null, "7.1"));
        JsonNode labels = podman.inspect(module).at("/Config/Labels");
        assertThat(labels.path("dev.brink.managed").asText()).isEqualTo("true");
        assertThat(labels.path("dev.brink.device").asText()).isEqualTo(podman.deviceId);
        assertThat(labels.path("dev.brink.module").asText()).isEqualTo(module);
        assertThat(labels.path("dev.brink.version").asText()).isEqualTo("7.1");
        assertThat(labels.path("com.example.team").asText()).isEqualTo("edge");
        runtime.remove(module);
    }

    @Test
    void touchesOnlyBrinksContainers() throws Exception {
        String plain = podman.foreign("foreign-" + podman.runId);
        String otherDevice = podman.foreign("otherdevice-" + podman.runId);
        podman.podman("run", "-d", "--name", plain, podman.image, "sleep", "1000");
        // Claims to be Brink's module "victim" — but of another edge device.
        podman.podman("run", "-d", "--name", otherDevice, "--label", "dev.brink.managed=true",
                "--label", "dev.brink.device=some-other-device", "--label", "dev.brink.module=victim",
                podman.image, "sleep", "1000");
        runtime.start(spec("mine", cmd(SLEEP), Map.of()));

        assertThat(runtime.list()).extracting(InstanceStatus::name).contains("mine").doesNotContain("victim", plain);
        assertThat(runtime.status("victim")).isEmpty();
        runtime.stop("victim", Duration.ofSeconds(1));
        runtime.remove("victim");
        for (InstanceStatus s : runtime.list()) {
            runtime.remove(s.name()); // "remove everything Brink has"
        }
        assertThat(runtime.list()).isEmpty();
        assertThat(podman.inspect(plain).at("/State/Running").asBoolean()).isTrue();
        assertThat(podman.inspect(otherDevice).at("/State/Running").asBoolean()).isTrue();

        // A module whose container name is taken by someone else's container: refused, the container survives.
        assertThatThrownBy(() -> runtime.start(spec(plain, cmd(SLEEP), Map.of())))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("already exists")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.PreconditionFailed);
        assertThat(podman.inspect(plain).at("/State/Running").asBoolean()).isTrue();
    }

    @Test
    void reportsExitsWithTheirCodeAndRestarts() throws Exception {
        String module = "crasher";
        ModuleSpec spec = spec(module, cmd("echo started; sleep 1; exit 3"), Map.of());
        long started = System.nanoTime();
        runtime.start(spec);
        InstanceStatus exit = awaitExit(module);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("seen through the events stream, not the %s safety sweep", ExitWatcher.SAFETY_SWEEP)
                .isLessThan(Duration.ofSeconds(10));
        assertThat(exit.exitCode()).isEqualTo(3);
        assertThat(exit.state()).isEqualTo(State.FAILED);
        assertThat(exit.description()).isEqualTo("exited with 3");
        assertThat(exit.exitedAt()).isNotNull();
        assertThat(runtime.status(module).orElseThrow().exitCode()).isEqualTo(3);

        // What the agent does for a restart policy: start again; the new instance is watched too.
        runtime.start(spec);
        assertThat(awaitExit(module).exitCode()).isEqualTo(3);
        assertThat(runtime.logs(module, 0)).containsExactly("started");
        runtime.remove(module);

        runtime.start(spec(module, cmd("exit 0"), Map.of()));
        InstanceStatus clean = awaitExit(module);
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.state()).isEqualTo(State.EXITED);
        runtime.remove(module);
    }

    @Test
    void reportsAnExitThatHappenedWhileTheEngineApiWasDown() throws Exception {
        String module = "unseen";
        runtime.start(spec(module, cmd("sleep 2; exit 5"), Map.of()));
        podman.restartService(() -> {
            // The container outlives the API service (conmon supervises it) and exits meanwhile.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!podman.podman("ps", "-a", "--filter", "name=^" + module + "$", "--format", "{{.Status}}")
                    .startsWith("Exited")) {
                assertThat(System.nanoTime()).as("container exit").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(exits).isEmpty();
        });
        InstanceStatus exit = awaitExit(module); // the sweep after the events stream reconnects
        assertThat(exit.exitCode()).isEqualTo(5);
        assertThat(exit.state()).isEqualTo(State.FAILED);
        runtime.remove(module);
    }

    @Test
    void passesCreateOptionsThrough() throws Exception {
        String module = "options";
        String options = """
                {"Labels": {"com.example.purpose": "pass-through"},
                 "Env": ["FROM_OPTIONS=yes"],
                 "Entrypoint": ["sh", "-c"],
                 "Cmd": ["trap 'exit 0' TERM; sleep 1000 & wait"],
                 "WorkingDir": "/tmp",
                 "ExposedPorts": {"8080/tcp": {}},
                 "HostConfig": {"Memory": 67108864, "RestartPolicy": {"Name": "always"}, "AutoRemove": true}}
                """;
        runtime.start(new ModuleSpec(module, podman.image, options, Map.of("FROM_SPEC", "1"), "never", null, null, "1"));
        JsonNode inspect = podman.inspect(module);
        assertThat(inspect.at("/HostConfig/Memory").asLong()).isEqualTo(67108864L);
        assertThat(inspect.at("/HostConfig/RestartPolicy/Name").asText()).isIn("", "no");
        assertThat(inspect.at("/HostConfig/AutoRemove").asBoolean()).isFalse();
        assertThat(inspect.at("/Config/Labels/com.example.purpose").asText()).isEqualTo("pass-through");
        assertThat(inspect.at("/Config/WorkingDir").asText()).isEqualTo("/tmp");
        assertThat(inspect.at("/Config/Entrypoint").toString()).contains("sh", "-c");
        assertThat(inspect.at("/Config/Env").toString()).contains("FROM_OPTIONS=yes", "FROM_SPEC=1");
        // Podman's own inspect does not show ExposedPorts; the Docker API's does.
        try (DockerClient engine = podman.engineClient()) {
            assertThat(engine.inspectContainerCmd(module).exec().getConfig().getExposedPorts())
                    .contains(ExposedPort.tcp(8080));
        }
        assertThat(runtime.status(module).orElseThrow().state()).isEqualTo(State.RUNNING);

        // Invalid createOptions: refused before the running instance is touched.
        String id = inspect.get("Id").asText();
        assertThatThrownBy(() -> runtime.start(spec(module, "{\"HostConfig\": [", Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("createOptions of module '" + module + "'")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        assertThat(podman.inspect(module).get("Id").asText()).isEqualTo(id);
        assertThat(runtime.status(module).orElseThrow().state()).isEqualTo(State.RUNNING);
        runtime.remove(module);
    }

    @Test
    void returnsTheLogTail() throws Exception {
        String module = "talker";
        runtime.start(spec(module, cmd("for i in $(seq 1 10); do echo line$i; done; echo oops >&2; " + SLEEP),
                Map.of()));
        await().atMost(WAIT).until(() -> runtime.logs(module, 0).size() >= 11);
        assertThat(runtime.logs(module, 0)).contains("line1", "line10", "oops").hasSize(11);
        List<String> tail = runtime.logs(module, 3);
        assertThat(tail).hasSize(3).contains("oops");
        assertThat(runtime.logs(module, 1)).hasSize(1);
        runtime.remove(module);
        assertThatThrownBy(() -> runtime.logs(module, 1)).isInstanceOf(BrinkException.class)
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ModuleNotFound);
    }

    @Test
    void pullsWithRegistryCredentials() throws Exception {
        String ref = podman.registryImage();
        String address = podman.registryAddress();
        RegistryCredential good = new RegistryCredential(address, PodmanFixture.REGISTRY_USER, podman.registryPassword);
        RegistryCredential wrong = new RegistryCredential(address, PodmanFixture.REGISTRY_USER, "not-the-password");
        RegistryCredential elsewhere = new RegistryCredential("registry.example.com", "someone", "secret-elsewhere");

        podman.removeImageIfPresent(ref);
        ModuleSpec wrongSpec = new ModuleSpec("pulled", ref, cmd("echo pulled-ok; " + SLEEP), Map.of(),
                "on-create", wrong, null, "1");
        assertThatThrownBy(() -> runtime.prepare(wrongSpec))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("authentication failed")
                .hasMessageContaining(PodmanFixture.REGISTRY_USER)
                .hasMessageNotContaining("not-the-password")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized);
        assertThatThrownBy(() -> runtime.prepare(new ModuleSpec("pulled", ref, null, Map.of(), "on-create",
                elsewhere, null, "1")))
                .hasMessageContaining("without credentials").hasMessageNotContaining("secret-elsewhere");
        assertThatThrownBy(() -> runtime.start(new ModuleSpec("pulled", ref, null, Map.of(), "never", good, null, "1")))
                .isInstanceOf(BrinkException.class).hasMessageContaining("imagePullPolicy is 'never'")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.NotFound);
        assertThat(podman.imageExists(ref)).isFalse();

        ModuleSpec goodSpec = new ModuleSpec("pulled", ref, cmd("echo pulled-ok; " + SLEEP), Map.of(),
                "on-create", good, null, "1");
        runtime.prepare(goodSpec);
        assertThat(podman.imageExists(ref)).isTrue();
        runtime.prepare(goodSpec); // cached: returns at once
        runtime.start(goodSpec);
        await().atMost(WAIT).until(() -> runtime.logs("pulled", 0).contains("pulled-ok"));
        runtime.remove("pulled");

        // Started from scratch: start() pulls a missing image itself.
        podman.removeImageIfPresent(ref);
        ModuleSpec v2 = new ModuleSpec("pulled", ref, cmd("echo pulled-again; " + SLEEP), Map.of(),
                "on-create", good, null, "2");
        runtime.start(v2);
        await().atMost(WAIT).until(() -> runtime.logs("pulled", 0).contains("pulled-again"));
        runtime.remove("pulled");
    }
}
