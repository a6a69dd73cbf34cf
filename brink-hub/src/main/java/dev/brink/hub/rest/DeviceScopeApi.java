package dev.brink.hub.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.hub.registry.DeviceScopeService;
import dev.brink.hub.registry.DeviceScopeService.ScopePage;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.registry.IdentityJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /devices/{edge}/modules/$edgeHub/devicesAndModulesInDeviceScope?deviceCount=&continuationToken=}
 * (reference §6.5): the identities an edge hub serves, with their keys, in IoT Hub's {@code ScopeResult} shape
 * {@code {"devices": [...], "modules": [...], "continuationLink": "/devices/...?...continuationToken=..."}} plus
 * the bare {@code continuationToken}. Who may call it is decided by the frame ({@link RequiredRights}): a
 * RegistryRead policy, the edge device's own token, or its {@code $edgeHub}/{@code $edgeAgent} module's token.
 */
public final class DeviceScopeApi {
    private final DeviceScopeService scopes;

    public DeviceScopeApi(DeviceScopeService scopes) {
        this.scopes = scopes;
    }

    public void mount(Router router) {
        // "$edgeHub" may arrive percent-encoded, so the module segment is a parameter checked here.
        router.get("/devices/:id/modules/:mid/" + RequiredRights.SCOPE_SEGMENT).handler(this::scope);
    }

    private void scope(RoutingContext ctx) {
        String deviceId = PathIds.decode(ctx.pathParam("id"));
        if (!"$edgeHub".equals(PathIds.decode(ctx.pathParam("mid")))) {
            ctx.fail(new BrinkException(ErrorCode.NotFound, "the device scope is served at /devices/{edgeDeviceId}"
                    + "/modules/$edgeHub/" + RequiredRights.SCOPE_SEGMENT));
            return;
        }
        String countText = ctx.request().getParam("deviceCount");
        String token = ctx.request().getParam("continuationToken");
        String apiVersion = ctx.request().getParam("api-version");
        RestResponses.respond(ctx, 200, () -> {
            Integer count = countText == null || countText.isBlank() ? null : parseCount(countText);
            return json(deviceId, count, apiVersion, scopes.page(deviceId, count, token));
        });
    }

    private static ObjectNode json(String deviceId, Integer count, String apiVersion, ScopePage page) {
        ObjectNode n = Json.object();
        n.set("devices", identities(page.devices()));
        n.set("modules", identities(page.modules()));
        if (page.continuationToken() == null) {
            n.putNull("continuationLink");
            n.putNull("continuationToken");
        } else {
            // A relative link, as IoT Hub's; edgeHub's client follows it as is.
            n.put("continuationLink", "/devices/" + enc(deviceId) + "/modules/" + enc("$edgeHub") + "/"
                    + RequiredRights.SCOPE_SEGMENT + "?" + (count == null ? "" : "deviceCount=" + count + "&")
                    + "continuationToken=" + enc(page.continuationToken()) + "&api-version=" + enc(apiVersion));
            n.put("continuationToken", page.continuationToken());
        }
        return n;
    }

    private static ArrayNode identities(List<Identity> list) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        list.forEach(i -> array.add(IdentityJson.toJson(i)));
        return array;
    }

    private static int parseCount(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw BrinkException.invalid("deviceCount must be an integer, not '" + text + "'");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
