package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.ConnectionState;
import dev.brink.client.DeviceClient;
import dev.brink.client.IotHubClient;
import dev.brink.client.KeySasTokenProvider;
import dev.brink.client.ModuleClient;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.edge.hub.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A small real {@link Upstream} for the twin cache's tests: one brink-client connection per identity, straight to
 * the hub with the identity's own key. The link is up while every connection is up and the test's switch
 * ({@link #setOnline}) is on; while it is off the hub is "unreachable": calls fail and desired pushes are lost,
 * exactly what an edge sees in an outage. ({@link #dropDesiredUpTo} loses pushes while staying online, to make gaps.)
 */
final class ClientUpstream implements Upstream {
    private final String hostName;
    private final ClientOptions options;
    private final Map<IdentityKey, IotHubClient> clients = new ConcurrentHashMap<>();
    private final List<Consumer<Boolean>> linkListeners = new CopyOnWriteArrayList<>();
    private volatile BiConsumer<IdentityKey, ObjectNode> desiredListener = (k, p) -> { };
    private volatile boolean online = true;
    private volatile long dropDesiredUpTo = -1;
    private boolean linkReported;

    ClientUpstream(String hostName, int mqttPort, String caPem) {
        this.hostName = hostName;
        this.options = ClientOptions.builder().trustedCaPem(caPem).port(mqttPort)
                .connectTimeout(Duration.ofSeconds(5)).operationTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();
    }

    /** Connects {@code who} with its key (the hub must be up). */
    void connect(IdentityKey who, String key) {
        KeySasTokenProvider tokens = new KeySasTokenProvider(key);
        IotHubClient client = who.isModule()
                ? ModuleClient.create(hostName, who.deviceId(), who.moduleId(), null, tokens, options)
                : DeviceClient.create(hostName, who.deviceId(), null, tokens, options);
        client.onDesiredPropertiesUpdate((patch, version) -> {
            if (online && version > dropDesiredUpTo) {
                desiredListener.accept(who, patch);
            }
        });
        client.onConnectionStateChange((state, reason) -> linkCheck());
        clients.put(who, client);
        client.open();
        linkCheck();
    }

    void setOnline(boolean up) {
        online = up;
        linkCheck();
    }

    /** Loses the desired pushes up to {@code version} (as if the link had blipped), to make version gaps. */
    void dropDesiredUpTo(long version) {
        dropDesiredUpTo = version;
    }

    private void linkCheck() {
        boolean up = isConnected();
        synchronized (this) {
            if (up == linkReported) {
                return;
            }
            linkReported = up;
        }
        linkListeners.forEach(l -> l.accept(up));
    }

    @Override
    public boolean isConnected() {
        return online && !clients.isEmpty()
                && clients.values().stream().allMatch(c -> c.connectionState() == ConnectionState.CONNECTED);
    }

    @Override
    public void onLinkChange(Consumer<Boolean> listener) {
        linkListeners.add(listener);
    }

    @Override
    public CompletableFuture<Void> send(IdentityKey from, Message message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("not used by the twin cache"));
    }

    @Override
    public CompletableFuture<JsonNode> getTwin(IdentityKey who) {
        if (!online) {
            return unreachable();
        }
        return client(who).getTwinAsync().thenApply(twin -> {
            ObjectNode out = Json.object();
            out.set("desired", twin.desired());
            out.set("reported", twin.reported());
            return out;
        });
    }

    @Override
    public CompletableFuture<Long> patchReported(IdentityKey who, ObjectNode patch) {
        if (!online) {
            return unreachable();
        }
        return client(who).updateReportedPropertiesAsync(patch, null);
    }

    @Override
    public void onDesired(BiConsumer<IdentityKey, ObjectNode> listener) {
        desiredListener = listener;
    }

    @Override
    public void onMethod(MethodRelay relay) {
    }

    @Override
    public void activate(IdentityKey who) {
    }

    @Override
    public void deactivate(IdentityKey who) {
    }

    private IotHubClient client(IdentityKey who) {
        IotHubClient c = clients.get(who);
        if (c == null) {
            throw new IllegalStateException("no upstream connection for " + who);
        }
        return c;
    }

    private static <T> CompletableFuture<T> unreachable() {
        return CompletableFuture.failedFuture(new BrinkException(ErrorCode.ServiceUnavailable, "the hub is unreachable"));
    }

    @Override
    public void close() {
        online = false;
        clients.values().forEach(IotHubClient::close);
    }
}
