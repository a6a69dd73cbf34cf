package dev.brink.hub.rest;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.security.AccessPolicy;
import dev.brink.hub.security.ServiceAuthenticator;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The handlers every request passes before a resource handler (installed in this order by
 * {@link RestServer}): method override, default content type, api-version, authentication + rights.
 */
final class FrameHandlers {
    /** Routing-context key under which the authenticated {@link AccessPolicy} is stored. */
    static final String POLICY_KEY = "brink.policy";
    /** Routing-context key under which an authenticated edge device's (or system module's) IdentityKey is stored (no policy then). */
    static final String EDGE_DEVICE_KEY = "brink.edgeDevice";
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

    private FrameHandlers() {
    }

    /**
     * The Java service SDK sends PATCH as POST + {@code X-HTTP-Method-Override: PATCH} (HttpURLConnection
     * has no PATCH). Re-routing as PATCH lets resource handlers register plain {@code router.patch(..)}
     * routes. Only POST→PATCH is honoured: other overrides could turn a POST into a DELETE behind a proxy's back.
     */
    static void methodOverride(RoutingContext ctx) {
        String override = ctx.request().getHeader(METHOD_OVERRIDE);
        if (ctx.request().method() == HttpMethod.POST && "PATCH".equalsIgnoreCase(trim(override))) {
            ctx.reroute(HttpMethod.PATCH, ctx.request().uri());
        } else {
            ctx.next();
        }
    }

    /**
     * Every response is JSON unless a handler says otherwise (204s simply carry no body), and carries a
     * {@code Date} header (RFC 9110 requires one; `brink edge check` compares clocks with it).
     */
    static void jsonContentType(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", RestErrors.JSON_UTF8);
        ctx.response().putHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
        ctx.next();
    }

    /** IoT Hub rejects requests without api-version; any value is accepted (the API is one version). */
    static void requireApiVersion(RoutingContext ctx) {
        String version = ctx.request().getParam("api-version");
        if (version == null || version.isBlank()) {
            ctx.fail(new BrinkException(ErrorCode.ArgumentInvalid, "api-version is required"));
        } else {
            ctx.next();
        }
    }

    /** Authenticates the SAS token and checks the policy's rights for this method and path. */
    static io.vertx.core.Handler<RoutingContext> authenticate(ServiceAuthenticator authenticator) {
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            if (authenticator.isEdgeDeviceToken(header)) {
                authenticateEdgeDevice(ctx, authenticator, header);
                return;
            }
            AccessPolicy policy = authenticator.authenticate(ctx.request().getHeader("Authorization"));
            HttpMethod method = ctx.request().method();
            String path = ctx.request().path();
            ServiceAuthenticator.requireAnyRight(policy, RequiredRights.forRequest(method, path), method + " " + path);
            ctx.put(POLICY_KEY, policy);
            ctx.next();
        };
    }

    /** The device's keys live in the registry: look them up off the event loop, then check the scope. */
    private static void authenticateEdgeDevice(RoutingContext ctx, ServiceAuthenticator authenticator, String header) {
        HttpMethod method = ctx.request().method();
        String path = ctx.request().path();
        ctx.request().pause();
        ctx.vertx().executeBlocking(() -> authenticator.authenticateEdgeDevice(header), false).onComplete(ar -> {
            ctx.request().resume();
            try {
                if (ar.failed()) {
                    throw ar.cause();
                }
                RequiredRights.requireEdgeDeviceScope(ar.result(), method, path);
                ctx.put(EDGE_DEVICE_KEY, ar.result());
                ctx.next();
            } catch (Throwable e) {
                ctx.fail(e);
            }
        });
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
