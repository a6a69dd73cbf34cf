package dev.brink.edge.management;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.edge.http.UnixHttpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A client of the {@link ManagementApi} over its unix socket (Vert.x HTTP client, NIO transport), used by the
 * {@code brink edge} commands and tests. Blocking methods; not for an event loop. Failures are
 * {@link BrinkException}s: {@code ServiceUnavailable} when no runtime listens, {@code ModuleNotFound},
 * {@code ArgumentInvalid} or {@code ServerError} with the runtime's message.
 */
public final class ManagementClient implements AutoCloseable {
    /** Longer than the API's own restart bound (60 s) and the checks' network timeouts. */
    private static final long TIMEOUT_SECONDS = 90;

    private final Path socket;
    private final Vertx vertx;
    private final HttpClientAgent http;

    public ManagementClient(Path socket) {
        this.socket = socket.toAbsolutePath();
        this.vertx = Vertx.vertx();
        this.http = vertx.createHttpClient();
    }

    public Path socket() {
        return socket;
    }

    /** {@code GET /modules}: a JSON array, one object per module. */
    public JsonNode modules() {
        return Json.parse(call(HttpMethod.GET, "/modules"));
    }

    /** The last {@code tail} lines (0 = all kept) of a module's log, each ending with a newline. */
    public String logs(String module, int tail) {
        return call(HttpMethod.GET, "/modules/" + encode(module) + "/logs?tail=" + tail);
    }

    /**
     * Streams a module's log: the last {@code tail} lines, then new text as it is written, each piece to
     * {@code sink} (whole lines). Blocks until the stream ends (the module was removed, the runtime stopped) or
     * the calling thread is interrupted.
     */
    public void followLogs(String module, int tail, Consumer<String> sink) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        request(HttpMethod.GET, "/modules/" + encode(module) + "/logs?follow=true&tail=" + tail,
                response -> {
                    if (response.statusCode() != 200) {
                        return response.body().map(body -> {
                            throw failure(response.statusCode(), body);
                        });
                    }
                    response.handler(chunk -> sink.accept(chunk.toString(StandardCharsets.UTF_8)));
                    return response.end();
                }).onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                });
        try {
            done.get();
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    /** {@code POST /modules/{m}/restart}: waits for the restart; returns the module as {@code GET /modules} shows it. */
    public JsonNode restart(String module) {
        return Json.parse(call(HttpMethod.POST, "/modules/" + encode(module) + "/restart"));
    }

    /** {@code GET /check}: {@code {"ok": bool, "checks": [...]}}. */
    public JsonNode check() {
        return Json.parse(call(HttpMethod.GET, "/check"));
    }

    private String call(HttpMethod method, String uri) {
        Future<String> result = request(method, uri, response -> response.body().map(body -> {
            if (response.statusCode() / 100 != 2) {
                throw failure(response.statusCode(), body);
            }
            return body.toString(StandardCharsets.UTF_8);
        }));
        try {
            return result.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (TimeoutException e) {
            throw new BrinkException(ErrorCode.GatewayTimeout, "the edge runtime did not answer " + method + " " + uri
                    + " within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServerError, "interrupted");
        }
    }

    /** Sends the request; {@code onResponse} runs on the event loop as the response arrives, before its body. */
    private <T> Future<T> request(HttpMethod method, String uri, Function<HttpClientResponse, Future<T>> onResponse) {
        if (!Files.exists(socket)) {
            return Future.failedFuture(notRunning(null));
        }
        RequestOptions options = new RequestOptions().setServer(SocketAddress.domainSocketAddress(socket.toString()))
                .setMethod(method).setURI(uri).setHost("localhost");
        return http.request(options).compose(req -> {
            // attached before the request leaves, so no body chunk can arrive before its handler
            Future<T> result = req.response().compose(onResponse);
            req.end();
            return result;
        });
    }

    private BrinkException notRunning(Throwable cause) {
        return new BrinkException(ErrorCode.ServiceUnavailable, "the edge runtime is not running: nothing listens on "
                + socket + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    private static BrinkException failure(int status, Buffer body) {
        String message;
        try {
            message = Json.parse(body.toString(StandardCharsets.UTF_8)).path("message").asText("HTTP " + status);
        } catch (RuntimeException e) {
            message = "HTTP " + status;
        }
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.ArgumentInvalid;
            case 404 -> ErrorCode.ModuleNotFound;
            default -> ErrorCode.ServerError;
        };
        return new BrinkException(code, message);
    }

    private RuntimeException translate(Throwable cause) {
        if (cause instanceof BrinkException b) {
            return b;
        }
        if (cause instanceof ConnectException || cause instanceof java.io.IOException) {
            return notRunning(cause);
        }
        return new BrinkException(ErrorCode.ServerError, "management API: " + cause.getMessage(), cause);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            UnixHttpServer.await(vertx.close(), "close the management client");
        } catch (IllegalStateException e) {
            // closing is best effort; nothing is left to release that matters
        }
    }
}
