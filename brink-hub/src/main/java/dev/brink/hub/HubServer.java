package dev.brink.hub;

import dev.brink.hub.c2d.C2dMessageCounts;
import dev.brink.hub.c2d.CloudToDeviceService;
import dev.brink.hub.c2d.DurableCloudToDeviceQueue;
import dev.brink.hub.c2d.sqlite.SqliteCloudToDeviceStore;
import dev.brink.hub.configuration.ConfigurationService;
import dev.brink.hub.events.EventLog;
import dev.brink.hub.events.EventRetention;
import dev.brink.hub.events.RetentionJob;
import dev.brink.hub.events.sqlite.SqliteEventRetention;
import dev.brink.hub.events.sqlite.SqliteEventLog;
import dev.brink.hub.mqtt.DeviceEndpoint;
import dev.brink.hub.query.QueryService;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.rest.CaCertificateApi;
import dev.brink.hub.rest.CloudToDeviceApi;
import dev.brink.hub.rest.EventsApi;
import dev.brink.hub.rest.MethodsApi;
import dev.brink.hub.rest.RestServer;
import dev.brink.hub.rest.ServiceApi;
import dev.brink.hub.security.AccessPolicies;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.security.ServiceAuthenticator;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.sqlite.SqliteHubStore;
import dev.brink.hub.twin.TwinService;
import dev.brink.infra.files.SecureFiles;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's composition root: builds store, certificates, policies, services and the REST server, wires
 * them by constructor, and owns their lifecycle ({@link State}). Everything started is closed, in reverse
 * order, by {@link #close()} — also when {@link #start} fails half-way.
 */
public final class HubServer implements AutoCloseable {
    /** The lifecycle; every transition is logged. */
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    public static final String DATABASE_FILE = "hub.db";
    public static final String CERTS_DIR = "certs";
    public static final String POLICIES_FILE = "policies.json";
    public static final String CONNECTION_STRING_FILE = "service-connection-string";
    /** Worker threads for blocking REST work (store reads); see rest/README.md. */
    static final int WORKER_POOL_SIZE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);

    private final HubConfig config;
    private final Clock clock;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private volatile State state = State.NEW;
    private HubStore store;
    private HubCertificates certificates;
    private AccessPolicies policies;
    private Vertx vertx;
    private RegistryService registry;
    private TwinService twins;
    private QueryService query;
    private ConfigurationService configurations;
    private RestServer rest;
    private EventLog events;
    private DeviceEndpoint devices;
    private DurableCloudToDeviceQueue c2dQueue;
    private CloudToDeviceService c2d;
    private int httpsPort;
    private String serviceConnectionString;

    private HubServer(HubConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Starts a hub and returns once it is listening; on failure everything started so far is closed. */
    public static HubServer start(HubConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static HubServer start(HubConfig config, Clock clock) {
        HubServer hub = new HubServer(config, clock);
        try {
            hub.doStart();
            return hub;
        } catch (RuntimeException | Error e) {
            LOG.error("Hub failed to start: {}", e.toString());
            hub.close();
            throw e;
        }
    }

    /** Lets edge devices manage their own module identities over REST with their device key (issue 4). */
    private dev.brink.hub.security.EdgeDeviceKeys edgeDeviceKeys() {
        HubStore s = store;
        // a module's keys with its device's iotEdge/status ($edgeHub reads its device scope with its own token)
        return key -> s.read(view -> view.registry().find(dev.brink.core.id.IdentityKey.device(key.deviceId()))
                .flatMap(d -> (key.isModule() ? view.registry().find(key) : java.util.Optional.of(d))
                        .map(i -> new dev.brink.hub.security.EdgeDeviceKeys.Device(i.authType(), i.primaryKey(),
                                i.secondaryKey(), d.iotEdge(), d.enabled()))));
    }

    private void doStart() {
        transition(State.STARTING);
        Path dataDir = config.dataDir().toAbsolutePath();
        SecureFiles.createDirectories(dataDir);
        certificates = HubCertificates.loadOrCreate(dataDir.resolve(CERTS_DIR), config.certificateDnsNames(),
                config.certificateIpAddresses(), clock);
        policies = AccessPolicies.loadOrCreate(dataDir.resolve(POLICIES_FILE));
        store = SqliteHubStore.open(dataDir.resolve(DATABASE_FILE));
        closeables.push(store);
        registry = new RegistryService(store, clock);
        twins = new TwinService(store, clock);
        query = new QueryService(store);
        configurations = new ConfigurationService(store, registry, twins, clock);
        vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(WORKER_POOL_SIZE));
        Vertx v = vertx;
        closeables.push(() -> closeVertx(v));
        rest = new RestServer(vertx, certificates, new ServiceAuthenticator(policies, config.hubHostName(), clock, edgeDeviceKeys()));
        closeables.push(rest);
        new ServiceApi(registry, twins, query, configurations).mount(rest.router());
        new dev.brink.hub.rest.DeviceScopeApi(new dev.brink.hub.registry.DeviceScopeService(store)).mount(rest.router());
        // Device endpoint (issue 3): events log, MQTT/TLS listeners, MQTT over WebSocket, direct methods.
        events = SqliteEventLog.open(dataDir.resolve(SqliteEventLog.FILE_NAME));
        closeables.push(events);
        closeables.push(new RetentionJob(SqliteEventRetention.open(dataDir.resolve(SqliteEventLog.FILE_NAME),
                new EventRetention.Limits(config.eventsRetention(), config.eventsMaxBytes())), clock,
                RetentionJob.DEFAULT_INTERVAL));
        SqliteCloudToDeviceStore c2dStore = SqliteCloudToDeviceStore.open(
                dataDir.resolve(SqliteCloudToDeviceStore.FILE_NAME));
        closeables.push(c2dStore);
        c2dQueue = new DurableCloudToDeviceQueue(c2dStore, clock);
        closeables.push(c2dQueue);
        new C2dMessageCounts(c2dQueue, store);
        c2d = new CloudToDeviceService(c2dQueue, registry, clock);
        devices = DeviceEndpoint.start(vertx, config, certificates, rest.router(), store, registry, twins, events,
                c2dQueue, clock);
        closeables.push(devices);
        new MethodsApi(registry, devices.connections()).mount(rest.router());
        new CloudToDeviceApi(c2d).mount(rest.router());
        new EventsApi(events).mount(rest.router());
        new CaCertificateApi(certificates).mount(rest.router());
        httpsPort = rest.listen(config.host(), config.httpsPort());
        serviceConnectionString = policies.connectionString(AccessPolicies.IOTHUBOWNER, config.hubHostName(),
                httpsPort);
        SecureFiles.writeSecret(dataDir.resolve(CONNECTION_STRING_FILE), serviceConnectionString + "\n");
        transition(State.RUNNING);
        LOG.info("Hub {} listening on https://{}:{} (data {})", config.hubHostName(), config.host(), httpsPort,
                dataDir);
    }

    public State state() {
        return state;
    }

    public HubConfig config() {
        return config;
    }

    public Path dataDir() {
        return config.dataDir().toAbsolutePath();
    }

    /** The bound MQTT/TLS port of the device endpoint (the real one when the configured port was 0). */
    public int mqttPort() {
        return devices.port();
    }

    /** The device endpoint (live connections, direct methods). */
    public DeviceEndpoint deviceEndpoint() {
        return devices;
    }

    /** The durable device-to-cloud events log. */
    public EventLog eventLog() {
        return events;
    }

    /** Sending cloud-to-device messages. */
    public CloudToDeviceService cloudToDevice() {
        return c2d;
    }

    /** The durable cloud-to-device queue the device endpoint delivers from. */
    public DurableCloudToDeviceQueue cloudToDeviceQueue() {
        return c2dQueue;
    }

    /** The bound HTTPS port (the real one when the configured port was 0). */
    public int httpsPort() {
        return httpsPort;
    }

    /** The HostName of connection strings and SAS audiences. */
    public String hostName() {
        return config.hubHostName();
    }

    public String caCertificatePem() {
        return certificates.caCertificatePem();
    }

    public Path caCertificatePath() {
        return certificates.caCertificatePath();
    }

    /** {@code HostName=host[:port];SharedAccessKeyName=iothubowner;SharedAccessKey=...} */
    public String serviceConnectionString() {
        return serviceConnectionString;
    }

    public Path serviceConnectionStringPath() {
        return dataDir().resolve(CONNECTION_STRING_FILE);
    }

    public HubCertificates certificates() {
        return certificates;
    }

    public AccessPolicies accessPolicies() {
        return policies;
    }

    public HubStore store() {
        return store;
    }

    public Vertx vertx() {
        return vertx;
    }

    public RegistryService registry() {
        return registry;
    }

    public TwinService twins() {
        return twins;
    }

    /** Stops the HTTPS server, Vert.x and the store, in reverse start order. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.STOPPED || state == State.STOPPING) {
            return;
        }
        transition(State.STOPPING);
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                LOG.warn("Error while stopping the hub", e);
            }
        }
        transition(State.STOPPED);
    }

    private void transition(State next) {
        LOG.info("Hub {} -> {}", state, next);
        state = next;
    }

    /** Waits for Vert.x to close, so no event-loop or worker thread outlives the hub. */
    private static void closeVertx(Vertx vertx) throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
}
