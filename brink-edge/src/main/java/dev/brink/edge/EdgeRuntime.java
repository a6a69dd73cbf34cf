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
import dev.brink.edge.hub.DesiredSink;
import dev.brink.edge.hub.EdgeHub;
import dev.brink.edge.hub.EdgeHubAssembly;
import dev.brink.edge.hub.EdgeHubConfig;
import dev.brink.edge.hub.EdgeHubParts;
import dev.brink.edge.hub.EdgeHubSettings;
import dev.brink.edge.management.EdgeChecks;
import dev.brink.edge.management.ManagementApi;
import dev.brink.edge.runtime.ModuleRuntime;
import dev.brink.edge.runtime.docker.DockerModuleRuntime;
import dev.brink.edge.runtime.process.ProcessModuleRuntime;
import dev.brink.edge.store.EdgeStore;
import dev.brink.edge.workload.EdgeCa;
import dev.brink.edge.workload.IssuedCert;
import dev.brink.edge.workload.WorkloadApi;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge runtime's composition root: one JVM holding the local store, the edge CA and workload API, module
 * identities, the edge hub, the module runtime, the agent and its hub link. Everything is constructed here, in
 * order, and closed in reverse.
 *
 * <p>Why this order: the edge hub starts after the agent's store and the workload API and before the module
 * runtime, so it is closed <em>after</em> the module runtime has stopped the modules. Modules get their grace
 * period (SIGTERM, then kill) to flush: their last messages still reach a running edge hub, which stores them
 * durably before the PUBACK, and their tokens can still be signed. Only then does the edge hub stop listening
 * and close its stores.
 */
public final class EdgeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRuntime.class);

    private final EdgeConfig config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private EdgeAgent agent;
    private WorkloadApi workload;
    private ManagementApi management;
    private EdgeHub edgeHub;

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
        ClientOptions.Builder options = ClientOptions.builder().port(config.hubMqttPort());
        if (hubCaPem != null) {
            options.trustedCaPem(hubCaPem);
        }
        ClientOptions hubOptions = options.build();
        edgeHub = startEdgeHub(vertx, ca, hubName, deviceId, deviceKey, hubCaPem, hubOptions, clock);
        if (edgeHub != null) {
            closeables.push(edgeHub);
        }
        ModuleRuntime moduleRuntime = config.runtimeType().equals("docker")
                ? new DockerModuleRuntime(config.dockerUri(), deviceId)
                : new ProcessModuleRuntime(data.resolve("runtime"), clock);
        closeables.push(moduleRuntime);
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
        ModuleEnvironment environment = new ModuleEnvironment(deviceId, cs.hostName(), modulesGateway(),
                config.logLevel(), config.runtimeType().equals("docker"));
        agent = new EdgeAgent(new InstanceOperations(moduleRuntime, identities, sockets, store, restarts, environment,
                clock), restarts, store, clock);
        closeables.push(agent);
        agent.start();
        HubLink link = new HubLink(hubName, deviceId, deviceKey, hubOptions, agent, new AgentMethods(agent));
        closeables.push(link);
        link.start();
        management = new ManagementApi(vertx, config.managementSocket(), agent, moduleRuntime,
                new EdgeChecks(config, clock, moduleRuntime), clock);
        closeables.push(management);
        LOG.info("edge runtime for device {} started ({}; data {})", deviceId, config.runtimeType(), data);
    }

    /**
     * The edge hub (issue 5), or null when {@code [edge_hub] enabled = false}.
     * Its TLS certificate is issued by the edge CA at every start (SANs: host, localhost, 127.0.0.1, gateway name).
     */
    private EdgeHub startEdgeHub(Vertx vertx, EdgeCa ca, String hubName, String deviceId, String deviceKey,
            String hubCaPem, ClientOptions hubOptions, Clock clock) {
        EdgeHubConfig hubConfig = config.edgeHub();
        if (!hubConfig.enabled()) {
            LOG.info("edge hub disabled ([edge_hub] enabled = false): modules connect to {}",
                    config.modulesGatewayHostName() == null ? "the hub" : config.modulesGatewayHostName());
            return null;
        }
        Path dir = config.edgeHubDataDir();
        createDirectories(dir);
        IssuedCert cert = ca.issueEdgeHubCertificate(hubConfig.host(), config.gatewayHostName(),
                EdgeCa.EDGE_HUB_CERT_VALIDITY);
        EdgeHubSettings settings = new EdgeHubSettings(deviceId, hubName, dir, hubConfig, new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(cert.certificateChainPem()))
                .setKeyValue(Buffer.buffer(cert.privateKeyPem())), clock);
        DesiredSink desiredSink = new DesiredSink(deviceId);
        EdgeHubParts parts = EdgeHubAssembly.open(dir, new EdgeHubAssembly.HubAccess(hubName,
                config.hubHttpsAuthority(), hubCaPem, deviceId, deviceKey, hubOptions), desiredSink, clock);
        return EdgeHub.start(vertx, settings, parts);
    }

    /**
     * {@code IOTEDGE_GATEWAYHOSTNAME}: the configured name; when the edge hub's MQTT port is not 8883 (e.g. an
     * ephemeral port in tests, or a second edge on one machine), {@code name:port} — a Brink extension brink-client
     * understands; the official SDKs always dial 8883 and need the edge hub there.
     */
    private String modulesGateway() {
        String gateway = config.modulesGatewayHostName();
        if (edgeHub == null || gateway == null || edgeHub.mqttPort() == ClientOptions.DEFAULT_PORT
                || gateway.matches("[^:\\[\\]]+:\\d+|\\[.*\\]:\\d+")) {
            return gateway;
        }
        String host = gateway.contains(":") && !gateway.startsWith("[") ? "[" + gateway + "]" : gateway;
        return host + ":" + edgeHub.mqttPort();
    }

    /** The running edge hub, or null when it is disabled. */
    public EdgeHub edgeHub() {
        return edgeHub;
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

    /**
     * Stops the management API, the hub link, the agent, the modules (with their grace period), the edge hub and
     * the workload API, in reverse order of creation.
     */
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
