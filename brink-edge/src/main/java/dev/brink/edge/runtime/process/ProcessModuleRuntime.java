package dev.brink.edge.runtime.process;

import dev.brink.core.id.Ids;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.InstanceStatus.State;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} module runtime: module packages (runnable jars, or archives with
 * {@code brink-module.json}) run as plain child processes, for devices that cannot run containers. See the
 * package README and docs/module-packages.md for the layout under {@code runtimeDir}, the package format,
 * the environment a module gets and how its processes are ended.
 *
 * <p>Lifecycle calls (prepare/start/stop/remove) are serialised on one lock — the agent makes them from
 * one worker thread anyway; status, list and logs never wait for them.
 */
public final class ProcessModuleRuntime implements ModuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessModuleRuntime.class);
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path instancesDir;
    private final Clock clock;
    private final ProcessRuntimeOptions options;
    private final PackageStore packages;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final List<Consumer<InstanceStatus>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService exitExecutor;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    public ProcessModuleRuntime(Path runtimeDir, Clock clock) {
        this(runtimeDir, clock, ProcessRuntimeOptions.defaults());
    }

    public ProcessModuleRuntime(Path runtimeDir, Clock clock, ProcessRuntimeOptions options) {
        this.clock = clock;
        this.options = options;
        this.instancesDir = runtimeDir.toAbsolutePath().normalize().resolve("instances");
        try {
            Files.createDirectories(instancesDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + instancesDir, e);
        }
        this.packages = new PackageStore(runtimeDir.toAbsolutePath().normalize().resolve("packages"), options);
        AtomicInteger threads = new AtomicInteger();
        this.exitExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "brink-process-exit-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        recover();
    }

    @Override
    public String kind() {
        return "process";
    }

    @Override
    public void prepare(ModuleSpec spec) {
        requireOpen();
        Ids.requireValidModuleId(spec.name());
        synchronized (lifecycle) {
            packages.prepare(spec);
        }
    }

    @Override
    public void start(ModuleSpec spec) {
        requireOpen();
        ModuleDirs dirs = ModuleDirs.of(instancesDir, spec.name());
        synchronized (lifecycle) {
            ModulePackage pkg = packages.prepare(spec);
            Instance instance = instances.computeIfAbsent(spec.name(), n -> newInstance(dirs, null));
            if (instance.running()) {
                LOG.info("module {}: replacing the running instance", spec.name());
                instance.stop(options.defaultGrace());
            }
            instance.launch(pkg, spec.image(), spec.version(), environment(pkg, spec, dirs.work()));
        }
    }

    @Override
    public void stop(String moduleName, Duration grace) {
        Ids.requireValidModuleId(moduleName);
        synchronized (lifecycle) {
            Instance instance = instances.get(moduleName);
            if (instance != null) {
                instance.stop(grace == null ? options.defaultGrace() : grace);
            }
        }
    }

    @Override
    public void remove(String moduleName) {
        ModuleDirs dirs = ModuleDirs.of(instancesDir, moduleName);
        synchronized (lifecycle) {
            Instance instance = instances.remove(moduleName);
            if (instance != null) {
                instance.stop(options.defaultGrace());
                instance.log.close();
            }
            PackageStore.deleteTree(dirs.root());
        }
    }

    @Override
    public List<InstanceStatus> list() {
        List<InstanceStatus> out = new ArrayList<>();
        instances.values().forEach(i -> out.add(i.status()));
        out.sort(Comparator.comparing(InstanceStatus::name));
        return out;
    }

    @Override
    public Optional<InstanceStatus> status(String moduleName) {
        Instance instance = instances.get(moduleName);
        return instance == null ? Optional.empty() : Optional.of(instance.status());
    }

    @Override
    public void onExit(Consumer<InstanceStatus> listener) {
        listeners.add(listener);
    }

    @Override
    public List<String> logs(String moduleName, int tail) {
        Instance instance = instances.get(moduleName);
        return instance == null ? List.of() : instance.log.tail(tail);
    }

    /**
     * Ends every running instance (SIGTERM to all at once, SIGKILL after the default grace) without telling
     * the exit listeners — the runtime is going away, there is nobody left to react.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Instance> running = instances.values().stream().filter(Instance::running).toList();
        List<Thread> stoppers = new ArrayList<>();
        for (Instance instance : running) {
            Thread t = new Thread(() -> instance.stop(options.defaultGrace()), "brink-process-close");
            t.setDaemon(true);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        instances.values().forEach(i -> i.log.close());
        exitExecutor.shutdown();
        try {
            exitExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The instance's environment: a minimal safe base (PATH and LANG from the runtime, TZ if set, HOME = the
     * instance's working directory), the package manifest's env over it, the module spec's env over both.
     * Nothing else of the runtime's environment leaks into a module.
     */
    static Map<String, String> environment(ModulePackage pkg, ModuleSpec spec, Path work) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null || path.isBlank() ? DEFAULT_PATH : path);
        env.put("HOME", work.toString());
        String lang = System.getenv("LANG");
        env.put("LANG", lang == null || lang.isBlank() ? "C.UTF-8" : lang);
        String tz = System.getenv("TZ");
        if (tz != null && !tz.isBlank()) {
            env.put("TZ", tz);
        }
        env.putAll(pkg.env());
        env.putAll(spec.env());
        return env;
    }

    /** The directory of an instance (for tests and tools). */
    Path instanceDir(String moduleName) {
        return ModuleDirs.of(instancesDir, moduleName).root();
    }

    private Instance newInstance(ModuleDirs dirs, InstanceStatus initial) {
        InstanceStatus first = initial != null ? initial
                : new InstanceStatus(dirs.name(), State.CREATED, null, null, null, "created", null);
        return new Instance(dirs, first, clock, options, exitExecutor, this::announce);
    }

    private void announce(InstanceStatus status) {
        if (closed) {
            return;
        }
        for (Consumer<InstanceStatus> listener : listeners) {
            try {
                listener.accept(status);
            } catch (RuntimeException e) {
                LOG.warn("onExit listener failed for module {}", status.name(), e);
            }
        }
    }

    /**
     * Instances left by a previous runtime process: processes still running from it (a {@code kill -9} of
     * the runtime leaves its children behind) are ended, and each instance is listed as exited so the agent
     * can start or remove it.
     */
    private void recover() {
        List<ProcessHandle> orphans = new ArrayList<>();
        List<Path> pidFiles = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Optional<InstanceFiles.InstanceRecord> record = InstanceFiles.read(dir.resolve("instance.json"),
                        InstanceFiles.InstanceRecord.class);
                InstanceFiles.read(dir.resolve("pid"), InstanceFiles.PidRecord.class)
                        .ifPresent(pid -> orphans.addAll(pid.leftovers()));
                pidFiles.add(dir.resolve("pid"));
                if (record.isPresent() && Ids.isValidId(record.get().name())
                        && ModuleDirs.of(instancesDir, record.get().name()).root().equals(dir)) {
                    instances.put(record.get().name(), newInstance(ModuleDirs.of(instancesDir, record.get().name()),
                            recovered(record.get())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + instancesDir, e);
        }
        if (!orphans.isEmpty()) {
            LOG.warn("ending {} process(es) left running by a previous runtime process", orphans.size());
            ProcessTree.terminate(orphans, options.defaultGrace());
        }
        for (Path pidFile : pidFiles) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", pidFile, e.toString());
            }
        }
    }

    private InstanceStatus recovered(InstanceFiles.InstanceRecord record) {
        Instant started = null;
        try {
            started = record.startedAt() == null ? null : Instant.parse(record.startedAt());
        } catch (RuntimeException ignored) {
            // a damaged timestamp is not worth losing the instance for
        }
        return new InstanceStatus(record.name(), State.EXITED, null, started, clock.instant(),
                "stopped: the previous runtime process ended", record.imageId());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the process module runtime is closed");
        }
    }
}
