package dev.brink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Twin requests over MQTT (reference §2.5): each request gets a UUID {@code $rid} and waits for
 * {@code $iothub/twin/res/{status}/?$rid=..}. The response subscription is made lazily, before the first
 * request, like both official SDKs.
 */
final class TwinChannel {
    private record Response(int status, Long version, byte[] body) {
    }

    private final MqttSession session;
    private final Duration timeout;
    private final Map<String, CompletableFuture<Response>> waiting = new ConcurrentHashMap<>();

    TwinChannel(MqttSession session, Duration timeout) {
        this.session = session;
        this.timeout = timeout;
    }

    CompletableFuture<Twin> get() {
        return request(rid -> new IotHubTopic.TwinGet(rid).topic(), new byte[0], "twin GET")
                .thenApply(r -> {
                    if (r.status() != 200) {
                        throw error("twin GET", r);
                    }
                    return parseTwin(r.body());
                });
    }

    CompletableFuture<Long> updateReported(JsonNode patch, Long expectedVersion) {
        if (patch == null || !patch.isObject()) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "a reported-properties patch must be a JSON"
                    + " object");
        }
        byte[] body = Json.write(patch).getBytes(StandardCharsets.UTF_8);
        return request(rid -> new IotHubTopic.TwinReportedPatch(rid, expectedVersion).topic(), body,
                "reported properties update").thenApply(r -> {
                    if (r.status() / 100 != 2) {
                        throw error("reported properties update", r);
                    }
                    if (r.version() == null) {
                        throw new IotHubClientException(ErrorCode.ServerError, "the server acknowledged the reported"
                                + " properties update without a $version");
                    }
                    return r.version();
                });
    }

    /** Called on Paho's callback thread: completes the waiting request, if any. */
    void onResponse(IotHubTopic.TwinResponse topic, byte[] body) {
        CompletableFuture<Response> f = waiting.remove(topic.requestId());
        if (f != null) {
            f.complete(new Response(topic.status(), topic.version(), body));
        }
    }

    void failAll(IotHubClientException e) {
        waiting.values().forEach(f -> f.completeExceptionally(e));
        waiting.clear();
    }

    private CompletableFuture<Response> request(java.util.function.Function<String, String> topicForRid, byte[] body,
                                                String what) {
        String rid = UUID.randomUUID().toString();
        CompletableFuture<Response> response = new CompletableFuture<>();
        waiting.put(rid, response);
        response.whenComplete((r, e) -> waiting.remove(rid));
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> response.completeExceptionally(IotHubClientException.timeout(what, timeout)));
        session.subscribe(TopicFilter.TWIN_RESPONSES)
                .thenCompose(ok -> session.publish(topicForRid.apply(rid), body, what))
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        response.completeExceptionally(IotHubClientException.unwrap(e));
                    }
                });
        return response;
    }

    private static Twin parseTwin(byte[] body) {
        try {
            JsonNode json = Json.parse(body);
            JsonNode desired = json.get("desired");
            JsonNode reported = json.get("reported");
            // Tolerate the old documented shape with a "properties" wrapper.
            if (desired == null && json.has("properties")) {
                desired = json.get("properties").get("desired");
                reported = json.get("properties").get("reported");
            }
            return new Twin(objectOrEmpty(desired), objectOrEmpty(reported));
        } catch (BrinkException e) {
            throw new IotHubClientException(ErrorCode.ServerError, "the twin GET response is not valid JSON: "
                    + e.getMessage(), e);
        }
    }

    private static ObjectNode objectOrEmpty(JsonNode n) {
        return n != null && n.isObject() ? ((ObjectNode) n).deepCopy() : Json.object();
    }

    /** The error of a non-success twin response: errorCode/message from the JSON body when present. */
    static IotHubClientException error(String what, int status, byte[] body) {
        String message = null;
        ErrorCode code = null;
        try {
            JsonNode json = body == null || body.length == 0 ? null : Json.parse(body);
            if (json != null && json.isObject()) {
                message = json.hasNonNull("message") ? json.get("message").asText()
                        : json.hasNonNull("Message") ? json.get("Message").asText() : null;
                code = byNumber(json.path("errorCode").asInt(0));
            }
        } catch (BrinkException notJson) {
            // fall through to the status
        }
        if (code == null) {
            code = byStatus(status);
        }
        String text = what + " failed with status " + status + (message == null ? "" : ": " + message);
        boolean retryable = status == 429 || status >= 500;
        return new IotHubClientException(code, status, text, retryable, null);
    }

    private static IotHubClientException error(String what, Response r) {
        return error(what, r.status(), r.body());
    }

    private static ErrorCode byNumber(int number) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.code() == number) {
                return c;
            }
        }
        return null;
    }

    private static ErrorCode byStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.ArgumentInvalid;
            case 401, 403 -> ErrorCode.Unauthorized;
            case 404 -> ErrorCode.NotFound;
            case 412 -> ErrorCode.PreconditionFailed;
            case 413 -> ErrorCode.MessageTooLarge;
            case 429 -> ErrorCode.ThrottlingException;
            case 503 -> ErrorCode.ServiceUnavailable;
            case 504 -> ErrorCode.GatewayTimeout;
            default -> ErrorCode.ServerError;
        };
    }
}
