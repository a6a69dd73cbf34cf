package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.ConnectionState;
import dev.brink.client.ModuleClient;
import dev.brink.client.SasTokenProvider;
import dev.brink.client.Twin;
import dev.brink.core.sas.SasTokens;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to the hub as the device's {@code $edgeAgent} module, through brink-client. It
 * authenticates with a device-audience token signed with the edge device's key (the hub accepts that for
 * any module of the device, like edgeHub's rule), so no module key is needed. On every (re)connect and every
 * desired notification it GETs the twin. Connecting retries forever in the background: the agent runs offline meanwhile.
 */
public final class HubLink implements ReportSink, AutoCloseable {
    public static final String MODULE_ID = "$edgeAgent";
    private static final Logger LOG = LoggerFactory.getLogger(HubLink.class);

    private final ModuleClient client;
    private final EdgeAgent agent;
    private final Thread opener;
    private final AtomicLong desiredVersion = new AtomicLong(-1);
    private volatile boolean closed;

    public HubLink(String hubHostName, String deviceId, String deviceKey, ClientOptions options, EdgeAgent agent,
            AgentMethods methods) {
        this.agent = agent;
        String hubName = hubHostName.contains(":") && !hubHostName.startsWith("[")
                ? hubHostName.substring(0, hubHostName.indexOf(':')) : hubHostName;
        SasTokenProvider tokens = (audience, expiresAt) -> SasTokens.create(hubName + "/devices/" + deviceId,
                deviceKey, expiresAt.getEpochSecond(), null);
        this.client = ModuleClient.create(hubHostName, deviceId, MODULE_ID, null, tokens, options);
        client.onDesiredPropertiesUpdate(this::onPatch);
        client.onConnectionStateChange((state, reason) -> {
            if (state == ConnectionState.CONNECTED) {
                fetchTwin(true);
            } else if (reason != null) {
                LOG.info("hub connection {}: {}", state, reason.getMessage());
            }
        });
        if (methods != null) {
            methods.register(client);
        }
        this.opener = new Thread(this::openWithRetry, "brink-agent-hub-connect");
        opener.setDaemon(true);
    }

    public void start() {
        agent.attach(this);
        opener.start();
    }

    private void openWithRetry() {
        long delay = 1000;
        while (!closed) {
            try {
                client.open();
                LOG.info("connected to the hub as {}", MODULE_ID);
                fetchTwin(true);
                return;
            } catch (RuntimeException e) {
                LOG.info("cannot connect to the hub yet ({}); retrying in {} ms", e.getMessage(), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
                delay = Math.min(delay * 2, 30_000);
            }
        }
    }

    /** @param connected true after a (re)connect: the twin's reported section becomes the report baseline */
    private void fetchTwin(boolean connected) {
        client.getTwinAsync().whenComplete((twin, e) -> {
            if (e != null) {
                LOG.info("twin GET failed: {}", e.getMessage());
                return;
            }
            onTwin(twin, connected);
        });
    }

    private synchronized void onTwin(Twin twin, boolean connected) {
        if (connected) {
            agent.connected(twin.reported());
        }
        if (twin.desiredVersion() < desiredVersion.get()) {
            return; // an older GET answered after a newer one
        }
        desiredVersion.set(twin.desiredVersion());
        agent.desiredReceived(twin.desired());
    }

    /**
     * Any desired notification triggers a twin GET rather than a local merge: a wholesale replace of the
     * desired properties (applyConfigurationContent, twin PUT) arrives as the full new document, in which
     * removed keys are simply absent, so merging it would keep removed modules. One GET on the open MQTT
     * session costs a round trip and is always right.
     */
    private void onPatch(ObjectNode patch, long version) {
        if (version > desiredVersion.get()) {
            fetchTwin(false);
        }
    }

    @Override
    public boolean isConnected() {
        return client.connectionState() == ConnectionState.CONNECTED;
    }

    @Override
    public CompletableFuture<?> send(ObjectNode patch) {
        return client.updateReportedPropertiesAsync(patch, null);
    }

    @Override
    public void close() {
        closed = true;
        opener.interrupt();
        client.close();
    }
}
