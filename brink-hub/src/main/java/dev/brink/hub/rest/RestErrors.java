package dev.brink.hub.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's error envelope, written once for every failure of the REST API (see the package README).
 * Handlers never write errors themselves: they throw (or {@code ctx.fail}) a {@link BrinkException}.
 *
 * <pre>{"Message":"{\"errorCode\":404001,\"trackingId\":\"..\",\"message\":\"..\",\"timestampUtc\":\"..\"}",
 *  "ExceptionMessage":""}</pre>
 * The official Java service SDK reads the six-digit code from the inner JSON; {@link #humanMessage} gives
 * back the plain message for the CLI.
 */
public final class RestErrors {
    public static final String JSON_UTF8 = "application/json; charset=utf-8";
    /** Azure sends the error name in this header too; cheap for clients that only look at headers. */
    public static final String ERROR_CODE_HEADER = "iothub-errorcode";

    private static final Logger LOG = LoggerFactory.getLogger(RestErrors.class);
    private static final Clock CLOCK = Clock.systemUTC();

    private RestErrors() {
    }

    /** One rendered error: the wire status, the six-digit code and its IoT Hub name. */
    public record Problem(int httpStatus, int code, String name, String message) {
        public static Problem of(ErrorCode errorCode, String message) {
            return new Problem(errorCode.httpStatus(), errorCode.code(), errorCode.name(), message);
        }
    }

    /** Router failure handler: renders {@code ctx.failure()} or {@code ctx.statusCode()} as an envelope. */
    public static void handleFailure(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // a body is already streaming: the status cannot change any more, so the only honest end is a reset
            LOG.warn("{} {} failed after the response started", ctx.request().method(), ctx.request().path(),
                    ctx.failure());
            ctx.request().connection().close();
            return;
        }
        send(ctx, problemOf(ctx));
    }

    /** Writes the envelope for {@code problem} and ends the response. */
    public static void send(RoutingContext ctx, Problem problem) {
        String trackingId = UUID.randomUUID().toString().replace("-", "");
        ctx.response()
                .setStatusCode(problem.httpStatus())
                .putHeader("Content-Type", JSON_UTF8)
                .putHeader(ERROR_CODE_HEADER, problem.name())
                .end(envelope(problem, trackingId, CLOCK.instant()));
    }

    /** The envelope text; public so clients and tests can produce the same shape. */
    public static String envelope(Problem problem, String trackingId, Instant time) {
        ObjectNode inner = Json.object();
        inner.put("errorCode", problem.code());
        inner.put("trackingId", trackingId);
        inner.put("message", problem.message());
        inner.put("timestampUtc", time.truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode outer = Json.object();
        outer.put("Message", Json.write(inner));
        outer.put("ExceptionMessage", "");
        return Json.write(outer);
    }

    /**
     * The plain message from an error body in either IoT Hub form (the nested one above, or the classic
     * {@code "Message":"ErrorCode:Name;text"}); falls back to the body itself when it is neither.
     */
    public static String humanMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            for (int depth = 0; depth < 4 && node != null; depth++) {
                if (node.isTextual()) {
                    String text = node.asText();
                    String trimmed = text.trim();
                    if (!trimmed.startsWith("{")) {
                        return stripClassicPrefix(text);
                    }
                    node = Json.MAPPER.readTree(trimmed);
                } else if (node.isObject()) {
                    JsonNode next = node.hasNonNull("Message") ? node.get("Message") : node.get("message");
                    if (next == null) {
                        return body;
                    }
                    node = next;
                } else {
                    return body;
                }
            }
        } catch (Exception e) {
            return body;
        }
        return body;
    }

    private static String stripClassicPrefix(String text) {
        if (text.startsWith("ErrorCode:") && text.indexOf(';') > 0) {
            return text.substring(text.indexOf(';') + 1);
        }
        return text;
    }

    static Problem problemOf(RoutingContext ctx) {
        Throwable failure = unwrap(ctx.failure());
        if (failure instanceof BrinkException e) {
            if (e.errorCode().httpStatus() >= 500) {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), e.getMessage(), e);
            }
            return Problem.of(e.errorCode(), e.getMessage());
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        if (failure != null && !(failure instanceof HttpException)) {
            LOG.error("{} {} failed unexpectedly", ctx.request().method(), ctx.request().path(), failure);
            return Problem.of(ErrorCode.ServerError, "Internal server error");
        }
        return problemOfStatus(ctx, status);
    }

    private static Problem problemOfStatus(RoutingContext ctx, int status) {
        String what = ctx.request().method() + " " + ctx.request().path();
        switch (status) {
            case 400:
                return Problem.of(ErrorCode.ArgumentInvalid, "Bad request: " + what);
            case 401:
                return Problem.of(ErrorCode.Unauthorized, "Unauthorized: " + what);
            case 404:
                return Problem.of(ErrorCode.NotFound, "No resource matches " + what);
            case 405:
                return new Problem(405, 405000, "MethodNotAllowed", "Method not allowed: " + what);
            case 413:
                return Problem.of(ErrorCode.MessageTooLarge,
                        "Request body exceeds the limit of " + RestServer.BODY_LIMIT_BYTES + " bytes");
            default:
                if (status >= 400 && status < 500) {
                    return new Problem(status, status * 1000, "RequestError", "Request failed: " + what);
                }
                LOG.error("{} failed with status {}", what, status);
                return Problem.of(ErrorCode.ServerError, "Internal server error");
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
