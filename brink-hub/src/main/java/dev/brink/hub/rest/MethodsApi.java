package dev.brink.hub.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.mqtt.Connections;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Direct methods through REST (reference §6.4): {@code POST /twins/{d}/methods} and
 * {@code POST /twins/{d}/modules/{m}/methods} with
 * {@code {"methodName","responseTimeoutInSeconds","connectTimeoutInSeconds","payload"}} → 200
 * {@code {"status":..,"payload":..}}; 404001/404010 for an unknown identity, 404103 when it is not online
 * within the connect timeout, 504101 when it does not answer within the response timeout.
 */
public final class MethodsApi {
    static final int DEFAULT_RESPONSE_TIMEOUT_S = 30;
    static final int MIN_RESPONSE_TIMEOUT_S = 5;
    static final int MAX_TIMEOUT_S = 300;

    private final RegistryService registry;
    private final Connections connections;

    public MethodsApi(RegistryService registry, Connections connections) {
        this.registry = registry;
        this.connections = connections;
    }

    public void mount(Router router) {
        router.post("/twins/:deviceId/methods").handler(ctx -> invoke(ctx,
                IdentityKey.device(ctx.pathParam("deviceId"))));
        router.post("/twins/:deviceId/modules/:moduleId/methods").handler(ctx -> invoke(ctx,
                IdentityKey.module(ctx.pathParam("deviceId"), ctx.pathParam("moduleId"))));
    }

    private void invoke(RoutingContext ctx, IdentityKey key) {
        Request request;
        try {
            request = Request.parse(ctx.body().asString());
        } catch (BrinkException e) {
            ctx.fail(e);
            return;
        }
        RestResponses.blocking(ctx, () -> key.isModule()
                        ? registry.getModule(key.deviceId(), key.moduleId()) : registry.getDevice(key.deviceId()))
                .compose(identity -> RestResponses.async(ctx, connections.invokeMethod(key, request.methodName(),
                        request.payload(), request.connectTimeout(), request.responseTimeout())))
                .onSuccess(result -> {
                    ObjectNode body = Json.object();
                    body.put("status", result.status());
                    body.set("payload", result.payload());
                    RestResponses.json(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    private record Request(String methodName, JsonNode payload, Duration connectTimeout, Duration responseTimeout) {
        static Request parse(String text) {
            if (text == null || text.isBlank()) {
                throw BrinkException.invalid("the request body must be a JSON object with methodName");
            }
            ObjectNode body = Json.parseObject(text);
            JsonNode name = body.get("methodName");
            if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                throw BrinkException.invalid("methodName is required");
            }
            int response = seconds(body, "responseTimeoutInSeconds", DEFAULT_RESPONSE_TIMEOUT_S,
                    MIN_RESPONSE_TIMEOUT_S);
            int connect = seconds(body, "connectTimeoutInSeconds", 0, 0);
            return new Request(name.asText(), body.get("payload"), Duration.ofSeconds(connect),
                    Duration.ofSeconds(response));
        }

        private static int seconds(ObjectNode body, String field, int dflt, int min) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.canConvertToInt() || n.asInt() < min || n.asInt() > MAX_TIMEOUT_S) {
                throw BrinkException.invalid(field + " must be an integer between " + min + " and " + MAX_TIMEOUT_S);
            }
            return n.asInt();
        }
    }
}
