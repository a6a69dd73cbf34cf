package dev.brink.edge;

import dev.brink.client.ClientOptions;
import dev.brink.client.service.PemTrust;
import dev.brink.core.error.BrinkException;
import dev.brink.core.sas.ConnectionString;
import dev.brink.edge.agent.AgentMethods;
import dev.brink.edge.agent.EdgeAgent;
import dev.brink.edge.agent.HubIdentityClient;
import dev.brink.edge.agent.HubLink;
import dev.brink.edge.agent.InstanceOperations;
import dev.brink.edge.agent.ModuleEnvironment;
import dev.brink.edge.agent.ModuleIdentities;
import dev.brink.edge.agent.RestartPolicyManager;
import dev.brink.edge.agent.WorkloadSockets;
import dev.brink.edge.management.EdgeChecks;
import dev.brink.edge.management.ManagementApi;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.docker.DockerModuleRuntime;
import dev.brink.edge.runtime.process.ProcessModuleRuntime;
import dev.brink.edge.store.EdgeStore;
import dev.brink.edge.workload.EdgeCa;
import dev.brink.edge.workload.WorkloadApi;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge runtime's composition root: one JVM holding the local store, the module runtime, the edge CA and
 * workload API, module identities, the agent and its hub link. Everything is constructed here, in order,
 * and closed in reverse.
 */
public final class EdgeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRuntime.class);

    private final EdgeConfig config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EdgeAgent agent;
    private WorkloadApi workload;
    private ManagementApi management;

    private EdgeRuntime(EdgeConfig config) {
        this.config = config;
    }

    public static EdgeRuntime start(EdgeConfig config) {
        EdgeRuntime runtime = new EdgeRuntime(config);
        try {
            runtime.doStart();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void doStart() {
        ConnectionString cs = config.parsedConnectionString();
        String deviceId = cs.deviceId();
        String deviceKey = cs.sharedAccessKey();
        Path data = config.dataDir().toAbsolutePath();
        createDirectories(data);
        Clock clock = Clock.systemUTC();
        String hubCaPem = config.hubCaFile() == null ? null : read(config.hubCaFile());
        EdgeStore store = EdgeStore.open(data.resolve(EdgeStore.FILE_NAME));
        closeables.push(store);
        ModuleRuntime moduleRuntime = config.runtimeType().equals("docker")
                ? new DockerModuleRuntime(config.dockerUri(), deviceId)
                : new ProcessModuleRuntime(data.resolve("runtime"), clock);
        closeables.push(moduleRuntime);
        Vertx vertx = Vertx.vertx();
        closeables.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get());
        EdgeCa ca = EdgeCa.loadOrCreate(data.resolve("ca"), deviceId);
        if (hubCaPem != null) {
            ca.addTrusted(hubCaPem);
        }
        String hubName = hubName(cs.hostName());
        HubIdentityClient hubRest = new HubIdentityClient(hubName, config.hubHttpsAuthority(), deviceId, deviceKey,
                hubCaPem == null ? null : PemTrust.fromPem(hubCaPem), clock);
        ModuleIdentities identities = new ModuleIdentities(hubRest, store, deviceKey);
        workload = new WorkloadApi(vertx, data.resolve("sockets"), ca, identities, config.workloadTcpPort());
        closeables.push(workload);
        WorkloadSockets sockets = new WorkloadSockets() {
            @Override
            public Path open(String moduleName) {
                return workload.openModuleSocket(moduleName);
            }

            @Override
            public void close(String moduleName) {
                workload.closeModuleSocket(moduleName);
            }
        };
        RestartPolicyManager restarts = new RestartPolicyManager(clock, config.restartBaseDelay(),
                config.restartMaxDelay(), RestartPolicyManager.DEFAULT_HEALTHY_AFTER);
        ModuleEnvironment environment = new ModuleEnvironment(deviceId, cs.hostName(), config.gatewayHostName(),
                config.logLevel(), config.runtimeType().equals("docker"));
        agent = new EdgeAgent(new InstanceOperations(moduleRuntime, identities, sockets, store, restarts, environment,
                clock), restarts, store, clock);
        closeables.push(agent);
        agent.start();
        ClientOptions.Builder options = ClientOptions.builder().port(config.hubMqttPort());
        if (hubCaPem != null) {
            options.trustedCaPem(hubCaPem);
        }
        HubLink link = new HubLink(hubName, deviceId, deviceKey, options.build(), agent, new AgentMethods(agent));
        closeables.push(link);
        link.start();
        management = new ManagementApi(vertx, config.managementSocket(), agent, moduleRuntime,
                new EdgeChecks(config, clock, moduleRuntime), clock);
        closeables.push(management);
        LOG.info("edge runtime for device {} started ({}; data {})", deviceId, config.runtimeType(), data);
    }

    public EdgeAgent agent() {
        return agent;
    }

    public WorkloadApi workload() {
        return workload;
    }

    /** The management API's unix socket (brink edge list|logs|restart|check). */
    public Path managementSocket() {
        return management.socket();
    }

    public EdgeConfig config() {
        return config;
    }

    /** Stops the hub link, the agent, the workload API and the modules, in reverse order of creation. */
    @Override
    public synchronized void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    static String hubName(String hostName) {
        if (hostName.startsWith("[")) {
            return hostName.substring(0, hostName.indexOf(']') + 1);
        }
        int colon = hostName.indexOf(':');
        return colon < 0 ? hostName : hostName.substring(0, colon);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw BrinkException.invalid("cannot create the data dir " + dir + ": " + e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw BrinkException.invalid("cannot read the hub CA file " + file + ": " + e.getMessage());
        }
    }
}
