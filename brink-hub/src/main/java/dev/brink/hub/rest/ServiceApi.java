package dev.brink.hub.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.hub.configuration.ConfigurationService;
import dev.brink.hub.query.QueryPage;
import dev.brink.hub.query.QueryService;
import dev.brink.hub.registry.ETags;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.registry.IdentityJson;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.registry.RegistryService;
import dev.brink.hub.twin.TwinService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * The service REST resources of IoT Hub's registry, twin, query and configuration-content APIs
 * (reference §6), mounted behind the frame of {@link RestServer} (auth, api-version, method override,
 * error envelope). Handlers only translate HTTP to service calls; the services own the semantics. Reads
 * block (SQLite), so they run on the worker pool ({@link RestResponses#blocking}); writes return the store's
 * future and are answered from it ({@link RestResponses#async}) without holding any thread while the group
 * commit is pending. See README.md in this package.
 */
public final class ServiceApi {
    static final String CONTINUATION = "x-ms-continuation";
    static final String MAX_ITEM_COUNT = "x-ms-max-item-count";
    static final String ITEM_TYPE = "x-ms-item-type";

    private final RegistryService registry;
    private final TwinService twins;
    private final QueryService query;
    private final ConfigurationService configurations;

    public ServiceApi(RegistryService registry, TwinService twins, QueryService query,
            ConfigurationService configurations) {
        this.registry = registry;
        this.twins = twins;
        this.query = query;
        this.configurations = configurations;
    }

    public void mount(Router router) {
        router.post("/devices/query").handler(this::query);
        router.get("/statistics/devices").handler(ctx -> RestResponses.respond(ctx, 200,
                () -> IdentityJson.statistics(registry.statistics())));
        router.get("/devices").handler(this::listDevices);
        router.put("/devices/:id").handler(ctx -> identity(ctx, RestResponses.async(ctx,
                () -> registry.putDeviceAsync(deviceId(ctx), bodyOrNull(ctx), ifMatch(ctx)))));
        router.get("/devices/:id").handler(ctx -> identity(ctx, RestResponses.blocking(ctx,
                () -> registry.getDevice(deviceId(ctx)))));
        router.delete("/devices/:id").handler(ctx -> noContent(ctx, RestResponses.async(ctx,
                () -> registry.deleteDeviceAsync(deviceId(ctx), ifMatch(ctx)))));
        router.post("/devices/:id/applyConfigurationContent").handler(ctx -> RestResponses.async(ctx,
                () -> configurations.applyConfigurationContentAsync(deviceId(ctx), body(ctx)))
                .onSuccess(v -> RestResponses.json(ctx, 200, Json.object())).onFailure(ctx::fail));
        router.get("/devices/:id/modules").handler(ctx -> RestResponses.respond(ctx, 200,
                () -> identities(registry.listModules(deviceId(ctx)))));
        router.put("/devices/:id/modules/:mid").handler(ctx -> identity(ctx, RestResponses.async(ctx,
                () -> registry.putModuleAsync(deviceId(ctx), moduleId(ctx), bodyOrNull(ctx), ifMatch(ctx)))));
        router.get("/devices/:id/modules/:mid").handler(ctx -> identity(ctx, RestResponses.blocking(ctx,
                () -> registry.getModule(deviceId(ctx), moduleId(ctx)))));
        router.delete("/devices/:id/modules/:mid").handler(ctx -> noContent(ctx, RestResponses.async(ctx,
                () -> registry.deleteModuleAsync(deviceId(ctx), moduleId(ctx), ifMatch(ctx)))));
        mountTwins(router, "/twins/:id", ctx -> IdentityKey.device(deviceId(ctx)));
        mountTwins(router, "/twins/:id/modules/:mid", ctx -> IdentityKey.module(deviceId(ctx), moduleId(ctx)));
    }

    /** Reads run on the worker pool (SQLite reads block); writes only queue and answer from the commit. */
    private void mountTwins(Router router, String path, Function<RoutingContext, IdentityKey> key) {
        router.get(path).handler(ctx -> twin(ctx, RestResponses.blocking(ctx, () -> twins.getTwin(key.apply(ctx)))));
        // PATCH also arrives as POST + X-HTTP-Method-Override: PATCH; the frame re-routes it here
        router.patch(path).handler(ctx -> twin(ctx, RestResponses.async(ctx,
                () -> twins.patchTwinAsync(key.apply(ctx), body(ctx), ifMatch(ctx)))));
        router.put(path).handler(ctx -> twin(ctx, RestResponses.async(ctx,
                () -> twins.replaceTwinAsync(key.apply(ctx), body(ctx), ifMatch(ctx)))));
    }

    // ---- handlers ----

    private void listDevices(RoutingContext ctx) {
        int top = intParam(ctx.request().getParam("top"), "top", RegistryService.MAX_LIST);
        RestResponses.respond(ctx, 200, () -> identities(registry.listDevices(top)));
    }

    private void query(RoutingContext ctx) {
        String continuation = ctx.request().getHeader(CONTINUATION);
        String maxItems = ctx.request().getHeader(MAX_ITEM_COUNT);
        Integer pageSize = maxItems == null || maxItems.isBlank() ? null
                : intParam(maxItems, MAX_ITEM_COUNT, null);
        RestResponses.blocking(ctx, () -> {
            JsonNode text = body(ctx).path("query");
            if (!text.isTextual()) {
                throw BrinkException.invalid("the body must be {\"query\": \"SELECT ...\"}");
            }
            return query.query(text.textValue(), pageSize, continuation);
        }).onSuccess(page -> {
            if (page.continuation() != null) {
                ctx.response().putHeader(CONTINUATION, page.continuation());
            }
            ctx.response().putHeader(ITEM_TYPE, page.itemType());
            ArrayNode rows = Json.MAPPER.createArrayNode();
            page.rows().forEach(rows::add);
            RestResponses.json(ctx, 200, rows);
        }).onFailure(ctx::fail);
    }

    /** Answers 200 with an identity's JSON and its ETag. */
    private static void identity(RoutingContext ctx, Future<Identity> result) {
        result.onSuccess(identity -> {
            ctx.response().putHeader("ETag", ETags.quoted(identity.etag()));
            RestResponses.json(ctx, 200, IdentityJson.toJson(identity));
        }).onFailure(ctx::fail);
    }

    /** Answers 200 with a service-side twin and its ETag. */
    private static void twin(RoutingContext ctx, Future<ObjectNode> result) {
        result.onSuccess(twin -> {
            ctx.response().putHeader("ETag", ETags.quoted(twin.path("etag").asText()));
            RestResponses.json(ctx, 200, twin);
        }).onFailure(ctx::fail);
    }

    private static void noContent(RoutingContext ctx, Future<Void> result) {
        result.onSuccess(v -> RestResponses.noContent(ctx)).onFailure(ctx::fail);
    }

    private static ArrayNode identities(List<Identity> list) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        list.forEach(i -> array.add(IdentityJson.toJson(i)));
        return array;
    }

    // ---- request parts ----

    private static String deviceId(RoutingContext ctx) {
        return PathIds.decode(ctx.pathParam("id"));
    }

    private static String moduleId(RoutingContext ctx) {
        return PathIds.decode(ctx.pathParam("mid"));
    }

    private static String ifMatch(RoutingContext ctx) {
        return ctx.request().getHeader("If-Match");
    }

    /** The JSON body (400004 when missing or malformed). */
    private static JsonNode body(RoutingContext ctx) {
        JsonNode body = bodyOrNull(ctx);
        if (body == null) {
            throw BrinkException.invalid("a JSON request body is required");
        }
        return body;
    }

    private static JsonNode bodyOrNull(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) {
            return null;
        }
        return Json.parse(ctx.body().buffer().getBytes());
    }

    private static int intParam(String value, String name, Integer max) {
        if (value == null || value.isBlank()) {
            return max;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw BrinkException.invalid(name + " must be at least 1, not " + n);
            }
            return max == null ? n : Math.min(n, max);
        } catch (NumberFormatException e) {
            throw BrinkException.invalid(name + " must be an integer, not '" + value + "'");
        }
    }
}
