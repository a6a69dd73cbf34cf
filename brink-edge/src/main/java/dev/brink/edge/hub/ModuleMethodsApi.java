package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.edge.hub.identity.IdentityCache;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.MethodResult;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Module-to-module and module-to-child direct methods on the edge hub's HTTPS port (reference §4.1, §6.1):
 * {@code POST /twins/{d}/modules/{m}/methods} and {@code POST /twins/{d}/methods}, the caller named by
 * {@code x-ms-edge-moduleId: {device}/{module}} and proven by its own SAS token in {@code Authorization}. The call
 * is answered by the local connection of the target, so it works with the hub unreachable. Responses:
 * 200 {@code {"status","payload"}}; errors in the IoT Hub envelope — 400 (400004) bad request, 401 (401002)
 * missing or wrong credentials, 404103 target not connected within the connect timeout, 504101 no answer within
 * the response timeout, 413 payload over 128 KB.
 */
final class ModuleMethodsApi {
    /** The payload limit is 128 KB; the rest is the JSON around it. */
    static final long MAX_BODY_BYTES = 160 * 1024;
    /** The API version of the user name synthesised for the identity cache (the CONNECT rule checks its shape). */
    static final String API_VERSION = "2021-04-12";

    private final String hubName;
    private final IdentityCache identities;
    private final Connections clients;

    ModuleMethodsApi(String hubName, IdentityCache identities, Connections clients) {
        this.hubName = hubName;
        this.identities = identities;
        this.clients = clients;
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.post("/twins/:deviceId/methods").handler(body)
                .handler(ctx -> invoke(ctx, IdentityKey.device(ctx.pathParam("deviceId"))))
                .failureHandler(ModuleMethodsApi::failed);
        router.post("/twins/:deviceId/modules/:moduleId/methods").handler(body)
                .handler(ctx -> invoke(ctx, IdentityKey.module(ctx.pathParam("deviceId"), ctx.pathParam("moduleId"))))
                .failureHandler(ModuleMethodsApi::failed);
    }

    /** Authenticates first (nothing about the request is revealed to an unauthenticated caller), then validates. */
    private void invoke(RoutingContext ctx, IdentityKey target) {
        IdentityKey caller;
        String token;
        try {
            caller = MethodRequest.caller(ctx.request().getHeader(MethodRequest.CALLER_HEADER));
            token = MethodRequest.token(ctx.request().getHeader("Authorization"));
        } catch (BrinkException e) {
            HttpErrors.send(ctx, e);
            return;
        }
        String body = ctx.body().asString();
        ctx.vertx().executeBlocking(() -> identities.authenticate(ClientTable.clientId(caller), username(caller),
                        token), false)
                .compose(auth -> {
                    if (!(auth instanceof Authentication.Accepted accepted) || !accepted.key().equals(caller)) {
                        String reason = auth instanceof Authentication.Refused r ? r.reason() : "another identity";
                        return Future.failedFuture(new BrinkException(ErrorCode.Unauthorized,
                                "the caller " + caller + " could not be authenticated: " + reason));
                    }
                    MethodRequest request = MethodRequest.parse(body);
                    return Future.fromCompletionStage(clients.invokeMethod(target, request.methodName(),
                            request.payload(), request.connectTimeout(), request.responseTimeout()),
                            ctx.vertx().getOrCreateContext());
                })
                .onSuccess(result -> respond(ctx, result))
                .onFailure(e -> HttpErrors.send(ctx, e));
    }

    /** The MQTT user name the caller would have sent: {@code {hub}/{d}/{m}/?api-version=…}. */
    String username(IdentityKey caller) {
        return hubName + "/" + caller.deviceId() + "/" + caller.moduleId() + "/?api-version=" + API_VERSION;
    }

    private static void respond(RoutingContext ctx, MethodResult result) {
        ObjectNode out = Json.object();
        out.put("status", result.status());
        out.set("payload", result.payload());
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(Json.write(out));
    }

    private static void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null) {
            failure = ctx.statusCode() == 413
                    ? new BrinkException(ErrorCode.MessageTooLarge,
                            "the request body exceeds " + MAX_BODY_BYTES + " bytes")
                    : BrinkException.invalid("bad request (" + ctx.statusCode() + ")");
        }
        HttpErrors.send(ctx, failure);
    }
}
