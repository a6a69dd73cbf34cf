package dev.brink.edge.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module instances as containers of a Docker Engine API (Moby, or Podman's {@code podman system service}),
 * through docker-java. Containers are named after their module and labelled as Brink's; everything this
 * runtime lists, stops or removes is selected by those labels, so other containers on the engine are
 * never touched. See {@code README.md} in this package for the mapping rules.
 */
public final class DockerModuleRuntime implements ModuleRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerModuleRuntime.class);
    /** Grace given by {@link #start} and {@link #remove} when they have to stop a container themselves. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    private static final Duration LOGS_TIMEOUT = Duration.ofSeconds(30);

    private final String edgeDeviceId;
    private final DockerClient client;
    private final ContainerSpecs specs;
    private final Images images;
    private final ExitWatcher exits;

    /**
     * @param engineUri    {@code unix:///run/podman/podman.sock}, {@code unix:///var/run/docker.sock} or
     *                     {@code tcp://host:port} (plain, loopback only)
     * @param edgeDeviceId the edge device's id; containers are labelled with it so two devices can share an engine
     */
    public DockerModuleRuntime(URI engineUri, String edgeDeviceId) {
        this.edgeDeviceId = Objects.requireNonNull(edgeDeviceId, "edgeDeviceId");
        // Built from explicit values only (not createDefaultConfigBuilder): DOCKER_HOST, DOCKER_API_VERSION and
        // ~/.docker must not redirect the runtime. No API version: the engine serves its own current one.
        DockerClientConfig config = new DefaultDockerClientConfig.Builder()
                .withDockerHost(Objects.requireNonNull(engineUri, "engineUri").toString())
                .withDockerTlsVerify(false)
                .build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(10))
                .build(); // no response timeout: pulls and stops legitimately take long
        this.client = DockerClientImpl.getInstance(config, http);
        this.specs = new ContainerSpecs(config.getObjectMapper(), edgeDeviceId);
        this.images = new Images(client);
        this.exits = new ExitWatcher(client, edgeDeviceId);
        exits.start();
    }

    @Override
    public String kind() {
        return "docker";
    }

    @Override
    public void prepare(ModuleSpec spec) {
        engineCall("prepare " + spec.name(), () -> images.prepare(spec));
    }

    @Override
    public void start(ModuleSpec spec) {
        engineCall("start " + spec.name(), () -> {
            ImageReference image = ImageReference.parse(spec.image());
            // Everything that can be checked is checked before the previous instance is removed.
            CreateContainerCmd create = client.createContainerCmd(image.canonical());
            for (String warning : specs.fill(create, spec, image)) {
                log.warn("module {}: {}", spec.name(), warning);
            }
            images.ensurePresent(spec);
            for (Container old : containers(spec.name())) {
                stopContainer(old, DEFAULT_GRACE);
                removeContainer(old.getId());
            }
            requireNameFree(spec.name());
            String id = create.exec().getId();
            exits.track(id, spec.name());
            try {
                client.startContainerCmd(id).exec();
            } catch (RuntimeException e) {
                exits.untrack(id);
                removeQuietly(id);
                throw e;
            }
            log.info("module {} started as container {} ({})", spec.name(), shortId(id), image);
        });
    }

    @Override
    public void stop(String moduleName, Duration grace) {
        engineCall("stop " + moduleName, () -> containers(moduleName).forEach(c -> stopContainer(c, grace)));
    }

    @Override
    public void remove(String moduleName) {
        engineCall("remove " + moduleName, () -> {
            for (Container c : containers(moduleName)) {
                stopContainer(c, DEFAULT_GRACE);
                removeContainer(c.getId());
            }
        });
    }

    @Override
    public List<InstanceStatus> list() {
        return engineCall("list", () -> {
            List<InstanceStatus> result = new ArrayList<>();
            for (Container c : client.listContainersCmd().withShowAll(true)
                    .withLabelFilter(ContainerLabels.deviceFilter(edgeDeviceId)).exec()) {
                if (ContainerLabels.isManagedBy(c.getLabels(), edgeDeviceId)
                        && c.getLabels().get(ContainerLabels.MODULE) != null) {
                    inspect(c).ifPresent(result::add);
                }
            }
            result.sort(Comparator.comparing(InstanceStatus::name));
            return result;
        });
    }

    @Override
    public Optional<InstanceStatus> status(String moduleName) {
        return engineCall("status " + moduleName,
                () -> containers(moduleName).stream().findFirst().flatMap(this::inspect));
    }

    @Override
    public void onExit(Consumer<InstanceStatus> listener) {
        exits.addListener(listener);
    }

    @Override
    public List<String> logs(String moduleName, int tail) {
        return engineCall("logs " + moduleName, () -> {
            Optional<Container> container = containers(moduleName).stream().findFirst();
            if (container.isEmpty()) {
                throw new BrinkException(ErrorCode.ModuleNotFound, "module '" + moduleName + "' has no container");
            }
            return readLogs(container.get().getId(), tail);
        });
    }

    @Override
    public void close() {
        exits.close();
        try {
            client.close();
        } catch (IOException e) {
            log.debug("closing docker client: {}", e.toString());
        }
    }

    /** This device's Brink containers of one module, newest first (normally exactly one). */
    private List<Container> containers(String moduleName) {
        List<Container> found = new ArrayList<>(client.listContainersCmd().withShowAll(true)
                .withLabelFilter(ContainerLabels.moduleFilter(edgeDeviceId, moduleName)).exec());
        // The engine filters by label; checked again here because this is the line that protects
        // containers Brink does not own.
        found.removeIf(c -> !ContainerLabels.isManagedBy(c.getLabels(), edgeDeviceId)
                || !moduleName.equals(c.getLabels().get(ContainerLabels.MODULE)));
        found.sort(Comparator.comparing(Container::getCreated, Comparator.nullsLast(Comparator.reverseOrder())));
        return found;
    }

    private Optional<InstanceStatus> inspect(Container c) {
        try {
            InspectContainerResponse inspect = client.inspectContainerCmd(c.getId()).exec();
            String module = c.getLabels().get(ContainerLabels.MODULE);
            return Optional.of(InstanceStatuses.from(module, inspect, exits.isStopRequested(c.getId())));
        } catch (NotFoundException gone) {
            return Optional.empty();
        }
    }

    /** A container with the module's name that is not this device's Brink container must never be replaced. */
    private void requireNameFree(String moduleName) {
        String name = ContainerLabels.containerName(moduleName);
        try {
            client.inspectContainerCmd(name).exec();
            throw new BrinkException(ErrorCode.PreconditionFailed, "module '" + moduleName + "': a container named '"
                    + name + "' already exists and is not Brink's container of this module for device '"
                    + edgeDeviceId + "'; Brink never touches it: rename or remove it");
        } catch (NotFoundException free) {
            // the normal case
        }
    }

    private void stopContainer(Container c, Duration grace) {
        if (!"running".equals(c.getState()) && !"paused".equals(c.getState())) {
            return;
        }
        exits.stopping(c.getId());
        long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
        try {
            client.stopContainerCmd(c.getId()).withTimeout((int) Math.min(seconds, Integer.MAX_VALUE)).exec();
        } catch (NotModifiedException | NotFoundException alreadyStopped) {
            // stopped by itself meanwhile
        }
    }

    private void removeContainer(String id) {
        exits.settle(id);
        try {
            client.removeContainerCmd(id).withRemoveVolumes(true).withForce(true).exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
        exits.forget(id);
    }

    private void removeQuietly(String id) {
        try {
            removeContainer(id);
        } catch (RuntimeException e) {
            log.warn("could not remove container {} after a failed start: {}", shortId(id), e.toString());
        }
    }

    private List<String> readLogs(String containerId, int tail) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var cmd = client.logContainerCmd(containerId).withStdOut(true).withStdErr(true);
        cmd = tail > 0 ? cmd.withTail(tail) : cmd.withTailAll();
        ResultCallback.Adapter<Frame> callback = cmd.exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    out.writeBytes(frame.getPayload());
                }
            }
        });
        if (!callback.awaitCompletion(LOGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            closeQuietly(callback);
            throw new BrinkException(ErrorCode.GatewayTimeout, "reading logs of container " + shortId(containerId)
                    + " took longer than " + LOGS_TIMEOUT.toSeconds() + " s");
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return tail > 0 && lines.size() > tail ? List.copyOf(lines.subList(lines.size() - tail, lines.size()))
                : List.copyOf(lines);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("close: {}", e.toString());
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    @FunctionalInterface
    private interface EngineCall<T> {
        T run() throws InterruptedException;
    }

    @FunctionalInterface
    private interface EngineAction {
        void run() throws InterruptedException;
    }

    private void engineCall(String what, EngineAction action) {
        engineCall(what, () -> {
            action.run();
            return null;
        });
    }

    /** Turns the engine's failures into BrinkExceptions naming the operation; BrinkExceptions pass unchanged. */
    private <T> T engineCall(String what, EngineCall<T> call) {
        try {
            return call.run();
        } catch (BrinkException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "docker runtime: " + what + " interrupted");
        } catch (DockerException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable,
                    "docker runtime: " + what + " failed (HTTP " + e.getHttpStatus() + "): " + message(e), e);
        } catch (RuntimeException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable,
                    "docker runtime: " + what + " failed: " + message(e), e);
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip();
    }
}
