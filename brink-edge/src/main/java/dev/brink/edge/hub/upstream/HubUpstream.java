package dev.brink.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ConnectionState;
import dev.brink.client.DeviceClient;
import dev.brink.client.IotHubClient;
import dev.brink.client.IotHubClientException;
import dev.brink.client.MethodRequest;
import dev.brink.client.MethodResponse;
import dev.brink.client.ModuleClient;
import dev.brink.client.SasTokenProvider;
import dev.brink.client.Twin;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.mqtt.MethodResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge hub's {@link Upstream}: one brink-client MQTT connection per identity it acts for (see README.md).
 * The {@code {edge}/$edgeHub} connection is opened at start (retrying until the hub answers) and stays open; it
 * defines {@link #isConnected()}. Other identities connect on first use and are closed after
 * {@link UpstreamSettings#idleTimeout()} unless {@link #activate activated}. brink-client reconnects each open
 * connection with back-off and re-subscribes; activated identities that never got connected are retried here.
 */
public final class HubUpstream implements Upstream, IdentityLink.Owner {
    public static final String EDGE_HUB_MODULE = "$edgeHub";
    private static final Logger LOG = LoggerFactory.getLogger(HubUpstream.class);

    private final UpstreamSettings settings;
    private final Function<IdentityKey, Optional<String>> childKeys;
    private final IdentityKey self;
    private final ConcurrentMap<IdentityKey, IdentityLink> links = new ConcurrentHashMap<>();
    private final Set<IdentityKey> activated = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Boolean>> linkListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean up = new AtomicBoolean();
    /** Blocking brink-client calls: open (CONNECT/CONNACK), subscribe (SUBACK), close. */
    private final ExecutorService blocking;
    /** The sweep (idle connections, re-opening activated ones) and the {@code $edgeHub} open retries. */
    private final ScheduledExecutorService timer;
    private volatile BiConsumer<IdentityKey, ObjectNode> desiredListener;
    private volatile MethodRelay relay;
    private volatile boolean closed;
    private int selfOpenFailures;     // timer thread

    private HubUpstream(UpstreamSettings settings, Function<IdentityKey, Optional<String>> childKeys) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.childKeys = Objects.requireNonNull(childKeys, "childKeys");
        this.self = IdentityKey.module(settings.edgeDeviceId(), EDGE_HUB_MODULE);
        this.blocking = Executors.newCachedThreadPool(daemon("brink-upstream-connect"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("brink-upstream-timer"));
    }

    /**
     * Starts connecting as {@code {edge}/$edgeHub} in the background and returns at once (the edge hub works
     * offline meanwhile; {@link #onLinkChange} says when the hub is reachable).
     *
     * @param childKeys the SharedAccessKey of a child device (from the identity cache), empty when unknown
     */
    public static HubUpstream start(UpstreamSettings settings, Function<IdentityKey, Optional<String>> childKeys) {
        HubUpstream upstream = new HubUpstream(settings, childKeys);
        long sweepMs = Math.max(100, Math.min(5000, settings.idleTimeout().toMillis() / 4));
        upstream.timer.scheduleWithFixedDelay(upstream::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        upstream.timer.execute(upstream::openSelf);
        return upstream;
    }

    /** The identity of the edge hub's own connection, {@code {edge}/$edgeHub}. */
    public IdentityKey self() {
        return self;
    }

    /** The identities that have an upstream connection object right now (open, opening or reconnecting). */
    public Set<IdentityKey> connectedIdentities() {
        return Set.copyOf(links.keySet());
    }

    @Override
    public boolean isConnected() {
        return up.get();
    }

    @Override
    public void onLinkChange(Consumer<Boolean> listener) {
        linkListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public CompletableFuture<Void> send(IdentityKey from, Message message) {
        Objects.requireNonNull(message, "message");
        return withLink(from, link -> () -> link.send(message));
    }

    @Override
    public CompletableFuture<JsonNode> getTwin(IdentityKey who) {
        return withLink(who, link -> () -> link.track(link.client().getTwinAsync()).thenApply(HubUpstream::twinJson));
    }

    @Override
    public CompletableFuture<Long> patchReported(IdentityKey who, ObjectNode patch) {
        Objects.requireNonNull(patch, "patch");
        return withLink(who, link -> () -> link.track(link.client().updateReportedPropertiesAsync(patch, null)));
    }

    @Override
    public void onDesired(BiConsumer<IdentityKey, ObjectNode> listener) {
        this.desiredListener = listener;
    }

    @Override
    public void onMethod(MethodRelay relay) {
        this.relay = relay;
    }

    @Override
    public void activate(IdentityKey who) {
        if (closed || !activated.add(Objects.requireNonNull(who, "who"))) {
            return;
        }
        IdentityLink link = linkOrNull(who);
        if (link != null) {
            subscribe(link);
            if (up.get() && !who.equals(self)) {
                link.ensureOpen(blocking).exceptionally(e -> logOpenFailure(who, e));
            }
        }
    }

    /**
     * Stops relaying desired patches and methods for {@code who}. Its connection stays while sends are in flight
     * and is closed by the next sweep (brink-client cannot unsubscribe, so closing is how the hub learns it).
     */
    @Override
    public void deactivate(IdentityKey who) {
        activated.remove(who);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        List<CompletableFuture<Void>> closing = links.values().stream()
                .map(l -> CompletableFuture.runAsync(l::close, blocking)).toList();
        links.clear();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("upstream connections did not all close cleanly", e);
        }
        blocking.shutdownNow();
        up.set(false);
    }

    // ---- links ----

    /** Fails fast unless the hub is reachable; opens the identity's connection on first use. */
    private <T> CompletableFuture<T> withLink(IdentityKey who, Function<IdentityLink, Supplier<CompletableFuture<T>>> op) {
        Objects.requireNonNull(who, "who");
        if (closed) {
            return CompletableFuture.failedFuture(new BrinkException(ErrorCode.InvalidOperation,
                    "the upstream link is closed"));
        }
        if (!up.get()) {
            return CompletableFuture.failedFuture(new BrinkException(ErrorCode.ServiceUnavailable,
                    "the edge hub is not connected to the hub"));
        }
        IdentityLink link;
        try {
            link = link(who);
        } catch (BrinkException e) {
            return CompletableFuture.failedFuture(e);
        }
        return link.whenOpen(blocking, op.apply(link));
    }

    private IdentityLink link(IdentityKey who) {
        return links.computeIfAbsent(who, this::newLink);
    }

    private IdentityLink linkOrNull(IdentityKey who) {
        try {
            return link(who);
        } catch (BrinkException e) {
            LOG.warn("no upstream connection for {}: {}", who, e.getMessage());
            return null;
        }
    }

    private IdentityLink newLink(IdentityKey who) {
        SasTokenProvider tokens = IdentityTokens.forIdentity(settings, who, childKeys);
        IotHubClient client = who.isModule()
                ? ModuleClient.create(settings.hubName(), who.deviceId(), who.moduleId(), null, tokens,
                        settings.clientOptions())
                : DeviceClient.create(settings.hubName(), who.deviceId(), null, tokens, settings.clientOptions());
        IdentityLink link = new IdentityLink(who, client, this);
        if (activated.contains(who)) {
            subscribe(link);
        }
        return link;
    }

    private void subscribe(IdentityLink link) {
        if (!link.isSubscribed()) {
            blocking.execute(link::subscribeBlocking);
        }
    }

    /** The {@code $edgeHub} connection: retried with back-off until the first CONNACK; brink-client takes over. */
    private void openSelf() {
        if (closed) {
            return;
        }
        IdentityLink link = linkOrNull(self);
        if (link == null) {
            return;
        }
        link.ensureOpen(blocking).whenComplete((v, e) -> {
            if (e == null || closed) {
                return;
            }
            long delayMs = Math.min(30_000L, 500L << Math.min(selfOpenFailures++, 6));
            LOG.info("cannot connect to the hub as {} yet ({}); retrying in {} ms", self,
                    reason(e), delayMs);
            try {
                timer.schedule(this::openSelf, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        });
    }

    /** Timer thread: closes idle connections, re-opens activated ones the hub did not take yet. */
    private void sweep() {
        try {
            long idle = settings.idleTimeout().toNanos();
            for (IdentityLink link : links.values()) {
                if (link.key.equals(self)) {
                    continue;
                }
                boolean active = activated.contains(link.key);
                boolean deactivated = !active && link.isSubscribed();
                if (!active && link.inFlight() == 0 && (deactivated || link.idleNanos() >= idle)) {
                    if (links.remove(link.key, link)) {
                        LOG.debug("closing the upstream connection of {} ({})", link.key,
                                deactivated ? "deactivated" : "idle");
                        blocking.execute(link::close);
                    }
                } else if (active && up.get() && link.openDue()) {
                    link.ensureOpen(blocking).exceptionally(e -> logOpenFailure(link.key, e));
                }
            }
            if (up.get()) {
                for (IdentityKey who : activated) {
                    if (!links.containsKey(who)) {
                        IdentityLink link = linkOrNull(who);
                        if (link != null) {
                            link.ensureOpen(blocking).exceptionally(e -> logOpenFailure(who, e));
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("upstream sweep failed", e);
        }
    }

    private Void logOpenFailure(IdentityKey who, Throwable e) {
        LOG.info("cannot connect {} upstream: {}", who, reason(e));
        return null;
    }

    // ---- IdentityLink.Owner (client dispatch threads) ----

    @Override
    public void stateChanged(IdentityLink link, ConnectionState state, IotHubClientException reason) {
        if (closed) {
            return;
        }
        if (link.key.equals(self)) {
            boolean nowUp = state == ConnectionState.CONNECTED;
            if (up.getAndSet(nowUp) != nowUp) {
                LOG.info("link to the hub {}{}", nowUp ? "up" : "down", reason == null ? "" : ": " + reason.getMessage());
                linkListeners.forEach(l -> {
                    try {
                        l.accept(nowUp);
                    } catch (RuntimeException e) {
                        LOG.warn("link listener failed", e);
                    }
                });
                if (nowUp) {
                    timer.execute(this::sweep);
                }
            }
        }
        if (state == ConnectionState.DISCONNECTED && reason != null) {
            // Refused for good (e.g. the key changed): this client is spent. A new one is made on next use.
            LOG.warn("the hub refused {} for good: {}", link.key, reason.getMessage());
            if (links.remove(link.key, link)) {
                blocking.execute(link::close);
            }
            if (link.key.equals(self)) {
                timer.schedule(this::openSelf, settings.clientOptions().reconnectMaxBackoff().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void desired(IdentityKey who, ObjectNode patch) {
        BiConsumer<IdentityKey, ObjectNode> l = desiredListener;
        if (l != null && activated.contains(who)) {
            l.accept(who, patch);
        }
    }

    @Override
    public CompletableFuture<MethodResponse> method(IdentityKey who, MethodRequest request) {
        MethodRelay r = relay;
        if (r == null || !activated.contains(who)) {
            return CompletableFuture.completedFuture(MethodAnswers.notConnected(who));
        }
        JsonNode payload;
        try {
            payload = request.payloadJson();
        } catch (BrinkException e) {
            return CompletableFuture.completedFuture(MethodAnswers.error(ErrorCode.ArgumentInvalid,
                    "the method payload is not JSON: " + e.getMessage()));
        }
        CompletableFuture<MethodResult> result;
        try {
            result = r.invoke(who, request.methodName(), payload);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((res, e) -> e != null ? MethodAnswers.failure(e)
                : res == null ? MethodResponse.ok(null) : MethodAnswers.of(res));
    }

    private static String reason(Throwable e) {
        Throwable c = e;
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    private static JsonNode twinJson(Twin twin) {
        ObjectNode json = Json.object();
        json.set("desired", twin.desired());
        json.set("reported", twin.reported());
        return json;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
