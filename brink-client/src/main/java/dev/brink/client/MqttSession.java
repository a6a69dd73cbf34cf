package dev.brink.client;

import dev.brink.core.error.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One logical MQTT session to the hub over a sequence of Paho connections: connect, subscribe, publish with
 * PUBACK futures that survive reconnects, reconnect with back-off, and reconnect with a fresh SAS token before
 * the current one expires. See README.md for the threading model. Every connection change runs on the single
 * {@code conn} thread, so the connection fields below need no locks.
 */
final class MqttSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttSession.class.getName());
    private static final Duration SUBACK_TIMEOUT = Duration.ofSeconds(15);
    private static final long QUIESCE_MS = 1000;
    /** Publish timeouts of every session; cancelled timers leave the queue at once. */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeoutScheduler();

    /** Receives every PUBLISH on Paho's callback thread; must return fast and run {@code ack} when handled. */
    interface Inbound {
        void onMessage(String topic, byte[] payload, Runnable ack);
    }

    /** Receives state changes on the {@code conn} thread. */
    interface StateSink {
        void onState(ConnectionState state, IotHubClientException reason);
    }

    /** A live Paho connection; {@code generation} increases with every connect. */
    private record Live(MqttAsyncClient client, int generation) {
    }

    private final ConnectSettings settings;
    private final SasTokenProvider tokens;
    private final ClientOptions options;
    private final Inbound inbound;
    private final StateSink stateSink;
    private final ScheduledExecutorService conn;
    private final Set<String> wanted = new LinkedHashSet<>();          // guarded by itself
    private final Set<String> confirmed = new HashSet<>();             // conn thread only
    private final ConcurrentLinkedDeque<Outbound> pending = new ConcurrentLinkedDeque<>();

    private volatile Live live;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile boolean opened;
    private volatile boolean closed;
    private volatile IotHubClientException terminalError;
    private SSLContext ssl;                  // conn thread only
    private int generation;                  // conn thread only
    private int failedAttempts;              // conn thread only
    private ScheduledFuture<?> renewal;      // conn thread only
    private ScheduledFuture<?> retry;        // conn thread only

    MqttSession(ConnectSettings settings, SasTokenProvider tokens, ClientOptions options, Inbound inbound,
                StateSink stateSink) {
        this.settings = settings;
        this.tokens = tokens;
        this.options = options;
        this.inbound = inbound;
        this.stateSink = stateSink;
        this.conn = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brink-client-conn-" + settings.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    ConnectionState state() {
        return state;
    }

    /** First connect, synchronously; fails fast (no retry) with the reason. */
    void open() {
        synchronized (this) {
            if (closed) {
                throw IotHubClientException.invalidOperation("the client is closed; create a new one");
            }
            if (opened) {
                throw IotHubClientException.invalidOperation("the client is already open");
            }
            opened = true;
        }
        try {
            conn.submit(() -> {
                ssl = TrustStores.contextFor(options);
                connectOnce();
                return null;
            }).get();
        } catch (ExecutionException e) {
            opened = false;
            throw IotHubClientException.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opened = false;
            throw IotHubClientException.invalidOperation("interrupted while connecting");
        }
    }

    /** Publishes at QoS 1; the future completes at PUBACK, across reconnects, or fails at the operation timeout. */
    CompletableFuture<Void> publish(String topic, byte[] payload, String what) {
        requireUsable();
        Outbound o = new Outbound(topic, payload, what);
        pending.add(o);
        // The timer is cancelled at PUBACK: at high rates a timer that lingers for the whole operation timeout
        // would keep every acknowledged message (and its payload) reachable until then.
        ScheduledFuture<?> timer = TIMEOUTS.schedule(() -> o.done.completeExceptionally(
                IotHubClientException.timeout(what, options.operationTimeout())),
                options.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        o.done.whenComplete((r, e) -> {
            pending.remove(o);
            timer.cancel(false);
        });
        Live l = live;
        if (l != null) {
            send(l, o);
        }
        return o.done;
    }

    /**
     * Adds a subscription to the session. When connected, the future completes at SUBACK; otherwise at once, and
     * the filter is subscribed at the next connect.
     */
    CompletableFuture<Void> subscribe(String filter) {
        if (closed) {
            throw IotHubClientException.invalidOperation("the client is closed; create a new one");
        }
        synchronized (wanted) {
            wanted.add(filter);
        }
        if (live == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            Live l = live;
            if (l != null && !confirmed.contains(filter)) {
                subscribeOn(l.client, filter);
            }
        }, conn);
    }

    boolean isSubscribed(String filter) {
        synchronized (wanted) {
            return wanted.contains(filter);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            conn.submit(() -> {
                cancelTimers();
                Live l = live;
                live = null;
                if (l != null) {
                    disconnectQuietly(l.client);
                }
            }).get(QUIESCE_MS + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "close did not finish cleanly", e);
        }
        conn.shutdownNow();
        failPending(IotHubClientException.invalidOperation("the client was closed before the operation completed"));
        if (opened) {
            state = ConnectionState.DISCONNECTED;
            stateSink.onState(ConnectionState.DISCONNECTED, null);
        }
    }

    private void requireUsable() {
        if (closed) {
            throw IotHubClientException.invalidOperation("the client is closed; create a new one");
        }
        if (!opened) {
            throw IotHubClientException.invalidOperation("the client is not open; call open() first");
        }
        IotHubClientException terminal = terminalError;
        if (terminal != null) {
            throw new IotHubClientException(terminal.errorCode(), terminal.status(), "the client is disconnected: "
                    + terminal.getMessage(), false, terminal);
        }
    }

    // --- connecting (conn thread) ------------------------------------------------------------------------

    private void connectOnce() throws MqttException {
        Instant now = Instant.now();
        String password = tokens.createToken(settings.audience(), now.plus(options.sasTokenLifetime()));
        MqttAsyncClient client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback(client));
        boolean sessionPresent;
        try {
            IMqttToken token = client.connect(connectOptions(password));
            token.waitForCompletion(options.connectTimeout().toMillis() + 1000);
            sessionPresent = token.getSessionPresent();
        } catch (MqttException e) {
            closeQuietly(client);
            throw MqttErrors.fromConnect(e, settings, options.connectTimeout());
        }
        try {
            if (!sessionPresent) {
                confirmed.clear();      // the server forgot our subscriptions: subscribe everything again
            }
            List<String> toSubscribe;
            synchronized (wanted) {
                toSubscribe = new ArrayList<>(wanted);
            }
            for (String filter : toSubscribe) {
                if (!confirmed.contains(filter)) {
                    subscribeOn(client, filter);
                }
            }
        } catch (RuntimeException e) {
            disconnectQuietly(client);
            throw e;
        }
        Live l = new Live(client, ++generation);
        live = l;
        failedAttempts = 0;
        scheduleRenewal(l);
        setState(ConnectionState.CONNECTED, null);
        for (Outbound o : pending) {
            send(l, o);
        }
    }

    private MqttConnectOptions connectOptions(String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setKeepAliveInterval((int) options.keepAlive().toSeconds());
        o.setConnectionTimeout((int) Math.max(1, options.connectTimeout().toSeconds()));
        o.setUserName(settings.username());
        o.setPassword(password.toCharArray());
        o.setSocketFactory(ssl.getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(true);
        o.setAutomaticReconnect(false);      // we reconnect ourselves: every connect needs a fresh token
        o.setMaxInflight(options.maxInFlight());
        return o;
    }

    private void subscribeOn(MqttAsyncClient client, String filter) {
        try {
            IMqttToken t = client.subscribe(filter, 1);
            t.waitForCompletion(SUBACK_TIMEOUT.toMillis());
            int[] granted = t.getGrantedQos();
            if (granted != null && granted.length > 0 && granted[0] == 0x80) {
                throw MqttErrors.subscribeFailed(filter, new IllegalStateException("the server refused it (0x80)"));
            }
            confirmed.add(filter);
        } catch (MqttException e) {
            throw MqttErrors.subscribeFailed(filter, e);
        }
    }

    private void scheduleRenewal(Live l) {
        long lifetimeMs = options.sasTokenLifetime().toMillis();
        long delay = (long) (lifetimeMs * options.tokenRenewalFraction());
        renewal = conn.schedule(() -> renew(l), delay, TimeUnit.MILLISECONDS);
    }

    /** Proactive renewal: DISCONNECT, then CONNECT with a new token (MQTT has no in-band token refresh). */
    private void renew(Live l) {
        if (closed || live != l) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "renewing the SAS token of {0} by reconnecting", settings.clientId());
        live = null;
        disconnectQuietly(l.client);
        tryConnect();
    }

    private void onConnectionLost(MqttAsyncClient client, Throwable cause) {
        Live l = live;
        if (closed || l == null || l.client != client) {
            return;
        }
        live = null;
        cancelTimers();
        closeQuietly(client);
        countCloseBeforePuback(l);
        setState(ConnectionState.DISCONNECTED_RETRYING, MqttErrors.connectionLost(cause));
        scheduleRetry();
    }

    private void tryConnect() {
        if (closed || live != null) {
            return;
        }
        try {
            connectOnce();
        } catch (IotHubClientException e) {
            onConnectFailure(e);
        } catch (MqttException | RuntimeException e) {
            onConnectFailure(MqttErrors.fromTransport("reconnect failed", e));
        }
    }

    private void onConnectFailure(IotHubClientException e) {
        if (!e.isRetryable()) {
            terminalError = e;
            setState(ConnectionState.DISCONNECTED, e);
            failPending(e);
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "reconnect of {0} failed: {1}", settings.clientId(), e.getMessage());
        setState(ConnectionState.DISCONNECTED_RETRYING, e);
        scheduleRetry();
    }

    private void scheduleRetry() {
        retry = conn.schedule(this::tryConnect, backoff(failedAttempts++).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** min·2^attempt capped at max, minus up to 25 % jitter so a fleet does not reconnect in lockstep. */
    Duration backoff(int attempt) {
        long min = options.reconnectMinBackoff().toMillis();
        long max = options.reconnectMaxBackoff().toMillis();
        long base = attempt >= 30 ? max : Math.min(max, min * (1L << attempt));
        long jitter = base <= 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 4 + 1);
        return Duration.ofMillis(base - jitter);
    }

    private void setState(ConnectionState next, IotHubClientException reason) {
        ConnectionState previous = state;
        state = next;
        if (previous != next) {
            stateSink.onState(next, reason);
        }
    }

    private void cancelTimers() {
        if (renewal != null) {
            renewal.cancel(false);
        }
        if (retry != null) {
            retry.cancel(false);
        }
    }

    private void failPending(IotHubClientException e) {
        for (Outbound o : pending) {
            o.done.completeExceptionally(e);
        }
    }

    // --- publishing --------------------------------------------------------------------------------------

    /** A QoS 1 publish waiting for its PUBACK; sent at most once per connection generation. */
    private static final class Outbound {
        final String topic;
        final byte[] payload;
        final String what;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicInteger sentOnGeneration = new AtomicInteger(-1);
        /** Connections that closed after this was sent and before its PUBACK (confined to the conn thread). */
        int closedBeforePuback;

        Outbound(String topic, byte[] payload, String what) {
            this.topic = topic;
            this.payload = payload;
            this.what = what;
        }
    }

    /**
     * MQTT 3.1.1 has one way to refuse a PUBLISH: closing the connection (IoT Hub and Brink's edge hub do this, for
     * example when the edge hub's store is full with the {@code refuse} overflow policy). Resending the same message
     * forever would turn that refusal into a silent timeout, so a message whose sending connection was closed before
     * its PUBACK {@value #CLOSES_BEFORE_REFUSED} times in a row fails with a retryable 503 that says so.
     */
    static final int CLOSES_BEFORE_REFUSED = 3;

    private void countCloseBeforePuback(Live lost) {
        for (Outbound o : pending) {
            if (o.sentOnGeneration.get() == lost.generation && ++o.closedBeforePuback >= CLOSES_BEFORE_REFUSED) {
                o.done.completeExceptionally(new IotHubClientException(ErrorCode.ServiceUnavailable, o.what
                        + " was refused: the server closed the connection " + o.closedBeforePuback + " times after "
                        + "receiving it, without acknowledging it (an edge hub does this when its message store is "
                        + "full and its overflow policy is refuse; see the server's log)"));
            }
        }
    }

    private void send(Live l, Outbound o) {
        int previous = o.sentOnGeneration.get();
        if (o.done.isDone() || previous >= l.generation || !o.sentOnGeneration.compareAndSet(previous, l.generation)) {
            return;
        }
        MqttMessage m = new MqttMessage(o.payload);
        m.setQos(1);
        try {
            l.client.publish(o.topic, m, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    o.done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    // The connection went down before PUBACK: the message stays pending and is sent again
                    // on the next connection (at least once, like any QoS 1 publish).
                }
            });
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                o.sentOnGeneration.set(previous);
                conn.schedule(() -> send(l, o), 50, TimeUnit.MILLISECONDS);
            }
            // Otherwise the connection is going down; connectionLost resends it.
        }
    }

    // --- Paho plumbing -----------------------------------------------------------------------------------

    private final class Callback implements MqttCallback {
        private final MqttAsyncClient client;

        Callback(MqttAsyncClient client) {
            this.client = client;
        }

        @Override
        public void connectionLost(Throwable cause) {
            try {
                conn.execute(() -> onConnectionLost(client, cause));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // close() is running; nothing to reconnect.
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            int id = message.getId();
            int qos = message.getQos();
            inbound.onMessage(topic, message.getPayload(), () -> {
                if (qos > 0) {
                    try {
                        client.messageArrivedComplete(id, qos);
                    } catch (MqttException | RuntimeException e) {
                        // The connection that delivered it is gone; the server redelivers it.
                    }
                }
            });
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // PUBACKs are handled by the per-publish listener.
        }
    }

    private static ScheduledThreadPoolExecutor timeoutScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "brink-client-timeouts");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static void disconnectQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(QUIESCE_MS).waitForCompletion(QUIESCE_MS + 2000);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "disconnect failed", e);
        }
        closeQuietly(client);
    }

    private static void closeQuietly(MqttAsyncClient client) {
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }
}
