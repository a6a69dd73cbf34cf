package dev.brink.hub.rest;

import dev.brink.core.json.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Small helpers for resource handlers: run blocking service/store calls off the event loop and write JSON.
 * Failures are routed to {@code ctx.fail}, so {@link RestErrors} renders them; handlers never catch.
 */
public final class RestResponses {
    private RestResponses() {
    }

    /**
     * Runs {@code work} on the Vert.x worker pool (unordered: requests do not wait for each other) and
     * completes on the request's context. Use it for every call that reads the store or may block.
     */
    public static <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
        return ctx.vertx().executeBlocking(work, false);
    }

    /** Adapts an already asynchronous result (e.g. a {@code HubStore.write} future) without a worker thread. */
    public static <T> Future<T> async(RoutingContext ctx, CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, ctx.vertx().getOrCreateContext());
    }

    /**
     * Starts asynchronous work on the calling thread (the event loop: {@code start} must not block, e.g. it
     * parses the body and queues a store write) and adapts its stage like {@link #async}; an exception
     * thrown by {@code start} becomes a failed future, so all failures reach the error handler alike.
     */
    public static <T> Future<T> async(RoutingContext ctx, Supplier<? extends CompletionStage<T>> start) {
        CompletionStage<T> stage;
        try {
            stage = start.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return async(ctx, stage);
    }

    /**
     * Runs {@code work} off the event loop and answers {@code status} with its result as JSON (a Jackson
     * tree, a record, a String already holding JSON is NOT re-encoded — pass a JsonNode instead), or fails.
     */
    public static <T> void respond(RoutingContext ctx, int status, Callable<T> work) {
        blocking(ctx, work).onSuccess(result -> json(ctx, status, result)).onFailure(ctx::fail);
    }

    /** Ends the response with {@code body} serialised by the shared mapper; null body means no content. */
    public static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", RestErrors.JSON_UTF8);
        if (body == null) {
            ctx.response().end();
        } else {
            ctx.response().end(Json.write(body));
        }
    }

    /** 204 No Content. */
    public static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }
}
