package dev.brink.edge.hub;

import dev.brink.edge.hub.store.StoreStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The edge hub's Prometheus metrics (issue 5 §8; names after reference §7.2, common tags {@code iothub} and
 * {@code edge_device}). Counters are incremented on the paths they count; store figures (queue lengths, bytes,
 * drops) come from one {@link StoreStats} snapshot taken per scrape ({@link #scrape}), so the hot path never
 * touches them. Thread-safe.
 */
public final class EdgeHubMetrics {
    static final String TO_UPSTREAM = "upstream";
    static final String TO_MODULE = "module";
    /** Drop reasons the store reports ({@link StoreStats#dropped()}), registered up front so they show as 0. */
    static final List<String> DROP_REASONS = List.of("no_route", "ttl_expiry", "overflow");

    private static final StoreStats NO_STATS = new StoreStats(0, 0, Map.of(), Map.of(), 0);

    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final Supplier<StoreStats> statsSource;
    private final Counter received;
    private final Counter retried;
    private final Counter refused;
    private final Counter offlineCount;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Set<String> droppedReasons = ConcurrentHashMap.newKeySet();
    private final MultiGauge queueLength;
    private volatile StoreStats stats = NO_STATS;
    /** Since when the upstream link is down; null while it is up. Offline from start until the first connect. */
    private volatile Instant offlineSince;

    /**
     * @param stats           the store's figures (blocking; called once per scrape)
     * @param connectedClients local clients connected now
     * @param upstreamUp      whether the hub is reachable now
     */
    public EdgeHubMetrics(String hubName, String edgeDeviceId, Clock clock, Supplier<StoreStats> stats,
            IntSupplier connectedClients, BooleanSupplier upstreamUp) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.clock = clock;
        this.statsSource = stats;
        this.offlineSince = clock.instant();
        registry.config().commonTags("iothub", hubName, "edge_device", edgeDeviceId);
        received = Counter.builder("edgehub.messages.received")
                .description("Messages accepted from modules and child devices").register(registry);
        retried = Counter.builder("edgehub.messages.retried")
                .description("Failed upstream send attempts (each is retried with back-off)").register(registry);
        refused = Counter.builder("edgehub.messages.refused")
                .description("Messages refused because the store is full (overflow policy refuse)").register(registry);
        offlineCount = Counter.builder("edgehub.offline.count")
                .description("Times the upstream link went down").register(registry);
        sent(TO_UPSTREAM, 0);
        sent(TO_MODULE, 0);
        DROP_REASONS.forEach(this::registerDropped);
        queueLength = MultiGauge.builder("edgehub.queue.length")
                .description("Messages waiting per endpoint and priority").register(registry);
        Gauge.builder("edgehub.store.bytes", () -> this.stats.storedBytes())
                .description("Bytes of stored messages (what maxStoreSizeBytes bounds)").register(registry);
        Gauge.builder("edgehub.store.file.bytes", () -> this.stats.fileBytes())
                .description("Size of messages.db on disk").register(registry);
        FunctionCounter.builder("edgehub.store.unwritten.entries", this, m -> m.stats.unwrittenEntries())
                .description("Queue entries delivered and acknowledged before their write, so never written")
                .register(registry);
        Gauge.builder("edgehub.connected.clients", connectedClients::getAsInt)
                .description("Modules and child devices connected now").register(registry);
        Gauge.builder("edgehub.upstream.connected", () -> upstreamUp.getAsBoolean() ? 1 : 0)
                .description("1 while the hub is reachable").register(registry);
        Gauge.builder("edgehub.offline.duration.seconds", this::offlineSeconds)
                .description("Seconds the upstream link has been down (0 while it is up)").register(registry);
    }

    void received() {
        received.increment();
    }

    /** A message reached its receiver: {@link #TO_UPSTREAM} (the hub acknowledged) or {@link #TO_MODULE}. */
    void sent(String to) {
        sent(to, 1);
    }

    void retried() {
        retried.increment();
    }

    void refused() {
        refused.increment();
    }

    /** The upstream link went up or down. */
    void linkChanged(boolean up) {
        if (up) {
            offlineSince = null;
        } else if (offlineSince == null) {
            offlineSince = clock.instant();
            offlineCount.increment();
        }
    }

    /** Blocking (reads the store's figures). The Prometheus text exposition of every metric. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    private void refresh() {
        StoreStats s = statsSource.get();
        stats = s == null ? NO_STATS : s;
        stats.dropped().keySet().forEach(this::registerDropped);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        stats.queueLengths().forEach((endpoint, byPriority) -> byPriority.forEach((priority, length) ->
                rows.add(MultiGauge.Row.of(Tags.of("endpoint", endpoint, "priority", String.valueOf(priority)),
                        length))));
        queueLength.register(rows, true);
    }

    private void sent(String to, double n) {
        sent.computeIfAbsent(to, t -> Counter.builder("edgehub.messages.sent").tag("to", t)
                .description("Messages delivered (upstream: acknowledged by the hub; module: by the module)")
                .register(registry)).increment(n);
    }

    private void registerDropped(String reason) {
        if (!droppedReasons.add(reason)) {
            return;
        }
        FunctionCounter.builder("edgehub.messages.dropped", this,
                        m -> m.stats.dropped().getOrDefault(reason, 0L))
                .tag("reason", reason).description("Messages dropped, by reason").register(registry);
    }

    private double offlineSeconds() {
        Instant since = offlineSince;
        return since == null ? 0 : Duration.between(since, clock.instant()).toMillis() / 1000.0;
    }
}
