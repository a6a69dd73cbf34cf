package dev.brink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.IotHubTopics;
import dev.brink.core.message.Message;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.message.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What devices and modules share: telemetry, twin, direct methods, connection state. Synchronous methods
 * wait at most {@link ClientOptions#operationTimeout()}; the {@code ...Async} variants return futures whose
 * continuations run on a client-owned callback pool (never on the MQTT thread, so they may call the client).
 */
public abstract sealed class IotHubClient implements AutoCloseable permits DeviceClient, ModuleClient {
    /** IoT Hub's device-to-cloud message size limit. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final System.Logger LOG = System.getLogger(IotHubClient.class.getName());

    private final ConnectSettings settings;
    private final SasTokenProvider tokens;
    private final ClientOptions options;
    private final MqttSession session;
    private final TwinChannel twin;
    private final ExecutorService dispatch;
    private final ExecutorService callbacks;
    private final Map<String, MethodHandler> methods = new ConcurrentHashMap<>();
    private volatile MethodHandler defaultMethod;
    private volatile AsyncMethodHandler defaultAsyncMethod;
    private volatile DesiredPropertiesHandler desiredHandler;
    private volatile ConnectionStateListener stateListener;

    IotHubClient(ConnectSettings settings, SasTokenProvider tokens, ClientOptions options) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.options = options == null ? ClientOptions.defaults() : options;
        this.dispatch = Executors.newSingleThreadExecutor(daemon("brink-client-dispatch-" + settings.clientId()));
        this.callbacks = Executors.newCachedThreadPool(daemon("brink-client-callback-" + settings.clientId()));
        this.session = new MqttSession(settings, tokens, this.options, this::onInbound, this::onState);
        this.twin = new TwinChannel(session, this.options.operationTimeout());
    }

    /** Connects (TLS, CONNECT, SUBSCRIBE for the handlers registered so far); throws the reason on failure. */
    public void open() {
        session.open();
    }

    /** Disconnects and stops the client's threads; pending operations fail. Idempotent. */
    @Override
    public void close() {
        session.close();
        twin.failAll(IotHubClientException.invalidOperation("the client was closed"));
        dispatch.shutdown();
        callbacks.shutdown();
        try {
            dispatch.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public ConnectionState connectionState() {
        return session.state();
    }

    public String deviceId() {
        return settings.deviceId();
    }

    public ConnectSettings connectSettings() {
        return settings;
    }

    public void onConnectionStateChange(ConnectionStateListener listener) {
        this.stateListener = listener;
    }

    // --- telemetry ---------------------------------------------------------------------------------------

    /** Sends telemetry at QoS 1 and returns after the PUBACK. */
    public void sendEvent(Message message) {
        await(sendEventAsync(message));
    }

    public CompletableFuture<Void> sendEventAsync(Message message) {
        return publishTelemetry(prepareTelemetry(Objects.requireNonNull(message, "message")), "sendEvent");
    }

    /** Hook for modules ({@code $.cmid}). */
    Message prepareTelemetry(Message message) {
        return message;
    }

    final CompletableFuture<Void> publishTelemetry(Message message, String what) {
        if (message.bodyLength() > MAX_MESSAGE_BYTES) {
            throw new IotHubClientException(ErrorCode.MessageTooLarge, what + ": the body has "
                    + message.bodyLength() + " bytes; the limit is " + MAX_MESSAGE_BYTES);
        }
        String topic = new IotHubTopic.Telemetry(settings.deviceId(), settings.moduleId(),
                PropertyBag.encodeForPublish(message)).topic();
        return async(session.publish(topic, message.body(), what));
    }

    // --- twin --------------------------------------------------------------------------------------------

    public Twin getTwin() {
        return await(getTwinAsync());
    }

    public CompletableFuture<Twin> getTwinAsync() {
        return async(twin.get());
    }

    /** Merges {@code patch} into the reported properties; returns the new reported {@code $version}. */
    public long updateReportedProperties(JsonNode patch) {
        return await(updateReportedPropertiesAsync(patch, null));
    }

    /** Like {@link #updateReportedProperties(JsonNode)}, failing with 412 unless the version is {@code expected}. */
    public long updateReportedProperties(JsonNode patch, long expectedVersion) {
        return await(updateReportedPropertiesAsync(patch, expectedVersion));
    }

    public CompletableFuture<Long> updateReportedPropertiesAsync(JsonNode patch, Long expectedVersion) {
        return async(twin.updateReported(patch, expectedVersion));
    }

    /** Subscribes to desired-property patches (the hub sends them only while connected: GET after reconnect). */
    public void onDesiredPropertiesUpdate(DesiredPropertiesHandler handler) {
        this.desiredHandler = Objects.requireNonNull(handler, "handler");
        subscribe(TopicFilter.TWIN_DESIRED);
    }

    // --- direct methods ----------------------------------------------------------------------------------

    public void onMethod(String methodName, MethodHandler handler) {
        methods.put(Objects.requireNonNull(methodName, "methodName"), Objects.requireNonNull(handler, "handler"));
        subscribe(TopicFilter.METHODS);
    }

    /** Handles methods without a handler of their own; without it they get status 404. */
    public void onDefaultMethod(MethodHandler handler) {
        this.defaultMethod = Objects.requireNonNull(handler, "handler");
        this.defaultAsyncMethod = null;
        subscribe(TopicFilter.METHODS);
    }

    /**
     * Like {@link #onDefaultMethod} for handlers that answer later; methods with a handler of their own still
     * go to it. The two default handlers replace each other.
     */
    public void onDefaultMethodAsync(AsyncMethodHandler handler) {
        this.defaultAsyncMethod = Objects.requireNonNull(handler, "handler");
        this.defaultMethod = null;
        subscribe(TopicFilter.METHODS);
    }

    // --- plumbing ----------------------------------------------------------------------------------------

    /** Adds a subscription; when connected, waits for the SUBACK. Before open() it is made at open(). */
    final void subscribe(String filter) {
        await(session.subscribe(filter));
    }

    final ConnectSettings settings() {
        return settings;
    }

    final SasTokenProvider tokenProvider() {
        return tokens;
    }

    final ClientOptions options() {
        return options;
    }

    /** Paho callback thread: twin responses complete inline; everything else goes to the dispatch thread. */
    private void onInbound(String topic, byte[] payload, Runnable ack) {
        IotHubTopic parsed = IotHubTopics.tryParse(topic).orElse(null);
        if (parsed instanceof IotHubTopic.TwinResponse r) {
            twin.onResponse(r, payload);
            ack.run();
            return;
        }
        if (parsed == null) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a message on unknown topic {0}", topic);
            ack.run();
            return;
        }
        dispatch.execute(() -> {
            try {
                handle(parsed, payload);
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "handler for " + topic + " failed", e);
            } finally {
                ack.run();
            }
        });
    }

    /** Dispatch thread. Subclasses handle C2D and inputs. */
    void handle(IotHubTopic topic, byte[] payload) throws Exception {
        if (topic instanceof IotHubTopic.TwinDesiredPatch p) {
            handleDesired(p, payload);
        } else if (topic instanceof IotHubTopic.MethodRequest m) {
            handleMethod(m, payload);
        } else {
            LOG.log(System.Logger.Level.WARNING, "no handler for {0}", topic.topic());
        }
    }

    private void handleDesired(IotHubTopic.TwinDesiredPatch p, byte[] payload) throws Exception {
        DesiredPropertiesHandler h = desiredHandler;
        if (h == null) {
            return;
        }
        JsonNode json = Json.parse(payload);
        if (!json.isObject()) {
            throw new IotHubClientException(ErrorCode.IotHubFormatError, "desired patch is not a JSON object");
        }
        long version = json.has("$version") ? json.get("$version").asLong()
                : p.version() == null ? 0 : p.version();
        h.onDesiredPropertiesUpdate((ObjectNode) json, version);
    }

    private void handleMethod(IotHubTopic.MethodRequest m, byte[] payload) {
        MethodHandler h = methods.getOrDefault(m.methodName(), defaultMethod);
        AsyncMethodHandler later = defaultAsyncMethod;
        if (h == null && later != null) {
            handleMethodAsync(later, m, payload);
            return;
        }
        MethodResponse response;
        if (h == null) {
            response = MethodResponse.of(404, Json.object().put("message", "method '" + m.methodName()
                    + "' is not registered on " + settings.clientId()));
        } else {
            try {
                response = h.handle(new MethodRequest(m.methodName(), payload));
                if (response == null) {
                    response = MethodResponse.ok(null);
                }
            } catch (Exception | LinkageError e) {
                response = MethodResponse.of(500, Json.object().put("message", "method '" + m.methodName()
                        + "' failed: " + e));
            }
        }
        respond(m, response);
    }

    private void handleMethodAsync(AsyncMethodHandler h, IotHubTopic.MethodRequest m, byte[] payload) {
        CompletableFuture<MethodResponse> answer;
        try {
            answer = h.handle(new MethodRequest(m.methodName(), payload));
        } catch (RuntimeException | LinkageError e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (answer == null) {
            answer = CompletableFuture.failedFuture(new IllegalStateException("the handler returned no future"));
        }
        answer.whenComplete((r, e) -> respond(m, e != null ? MethodResponse.of(500, Json.object().put("message",
                "method '" + m.methodName() + "' failed: " + IotHubClientException.unwrap(e)))
                : r == null ? MethodResponse.ok(null) : r));
    }

    private void respond(IotHubTopic.MethodRequest m, MethodResponse response) {
        byte[] body = Json.write(response.payload()).getBytes(StandardCharsets.UTF_8);
        try {
            session.publish(new IotHubTopic.MethodResponse(response.status(), m.requestId()).topic(), body,
                    "method response").exceptionally(e -> {
                        LOG.log(System.Logger.Level.WARNING, "could not send the response of " + m.methodName(), e);
                        return null;
                    });
        } catch (IotHubClientException closed) {
            LOG.log(System.Logger.Level.DEBUG, "no response to " + m.methodName() + ": " + closed.getMessage());
        }
    }

    private void onState(ConnectionState state, IotHubClientException reason) {
        if (state == ConnectionState.DISCONNECTED && reason != null) {
            twin.failAll(reason);
        }
        ConnectionStateListener l = stateListener;
        if (l != null && !dispatch.isShutdown()) {
            try {
                dispatch.execute(() -> {
                    try {
                        l.onConnectionStateChange(state, reason);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "connection state listener failed", e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    /**
     * Hands the result to the callback pool so user continuations never run on MQTT threads. Cancelling the
     * returned future cancels the operation: a publish not yet acknowledged is then not sent again after a
     * reconnect (it may still have reached the server).
     */
    final <T> CompletableFuture<T> async(CompletableFuture<T> internal) {
        CompletableFuture<T> out = new CompletableFuture<>();
        out.whenComplete((v, e) -> {
            if (out.isCancelled()) {
                internal.cancel(false);
            }
        });
        internal.whenComplete((v, e) -> {
            try {
                callbacks.execute(() -> {
                    if (e != null) {
                        out.completeExceptionally(IotHubClientException.unwrap(e));
                    } else {
                        out.complete(v);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                if (e != null) {
                    out.completeExceptionally(IotHubClientException.unwrap(e));
                } else {
                    out.complete(v);
                }
            }
        });
        return out;
    }

    final <T> T await(CompletableFuture<T> f) {
        try {
            // Internal timeouts fire first; this bound only guards against a lost completion.
            return f.get(options.operationTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw IotHubClientException.unwrap(e);
        } catch (TimeoutException e) {
            throw IotHubClientException.timeout("operation", options.operationTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IotHubClientException.invalidOperation("interrupted");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
