package dev.brink.core.route;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated {@code $edgeHub} desired properties that concern routing and store-and-forward.
 * {@link #parse} either returns a complete, valid configuration or throws {@link EdgeHubConfigException}
 * ({@link RouteException} for a bad route, naming it); the edge hub then reports {@code lastDesiredStatus}
 * 400 with the message and keeps the configuration it had.
 *
 * <p>Accepted: schemaVersion "1.0" (routes are strings) and "1.1" (a route may also be an object
 * {@code {route, priority, timeToLiveSecs}}); "1.2" and "1.3" are read like "1.1" — their {@code mqttBroker}
 * and {@code integrity} sections are ignored. Other keys ({@code $version}, {@code $metadata}…) are ignored.
 *
 * @param routes in the order of the desired document
 */
public record EdgeHubDesired(String schemaVersion, List<RouteSpec> routes, StoreAndForwardSettings storeAndForward) {

    public static final Set<String> SCHEMA_VERSIONS = Set.of("1.0", "1.1", "1.2", "1.3");

    public EdgeHubDesired {
        routes = List.copyOf(routes);
    }

    /** Parses and validates {@code properties.desired} of the {@code $edgeHub} module twin. */
    public static EdgeHubDesired parse(JsonNode desired) {
        if (desired == null || !desired.isObject()) {
            throw new EdgeHubConfigException("$edgeHub desired properties must be a JSON object");
        }
        String version = schemaVersion(desired.get("schemaVersion"));
        List<RouteSpec> routes = routes(desired.get("routes"), !version.equals("1.0"));
        StoreAndForwardSettings storeAndForward = storeAndForward(desired.get("storeAndForwardConfiguration"));
        return new EdgeHubDesired(version, routes, storeAndForward);
    }

    private static String schemaVersion(JsonNode node) {
        if (node == null || !node.isTextual() || !SCHEMA_VERSIONS.contains(node.textValue())) {
            throw new EdgeHubConfigException("schemaVersion must be one of \"1.0\", \"1.1\", \"1.2\", \"1.3\", got "
                    + (node == null ? "nothing" : node.toString()));
        }
        return node.textValue();
    }

    private static List<RouteSpec> routes(JsonNode node, boolean objectsAllowed) {
        List<RouteSpec> routes = new ArrayList<>();
        if (node == null || node.isNull()) {
            return routes;
        }
        if (!node.isObject()) {
            throw new EdgeHubConfigException("routes must be an object of route name to route");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (name.isEmpty()) {
                throw new EdgeHubConfigException("a route name must not be empty");
            }
            if (value.isNull()) {
                continue; // a deleted route that a full-document writer left as null
            }
            if (value.isTextual()) {
                routes.add(new RouteSpec(Route.parse(name, value.textValue()), RouteSpec.DEFAULT_PRIORITY, 0));
            } else if (value.isObject() && objectsAllowed) {
                routes.add(routeObject(name, value));
            } else if (value.isObject()) {
                throw new RouteException(name, null, "route objects ({route, priority, timeToLiveSecs}) need "
                        + "schemaVersion 1.1 or later; with 1.0 a route is a string", 0, 0);
            } else {
                throw new RouteException(name, null, "a route must be a string"
                        + (objectsAllowed ? " or an object {route, priority, timeToLiveSecs}" : ""), 0, 0);
            }
        }
        return routes;
    }

    private static RouteSpec routeObject(String name, JsonNode value) {
        JsonNode text = value.get("route");
        if (text == null || !text.isTextual()) {
            throw new RouteException(name, null, "\"route\" must be a string", 0, 0);
        }
        Route route = Route.parse(name, text.textValue());
        int priority = RouteSpec.DEFAULT_PRIORITY;
        JsonNode p = value.get("priority");
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToInt() || p.intValue() < RouteSpec.HIGHEST_PRIORITY
                    || p.intValue() > RouteSpec.LOWEST_EXPLICIT_PRIORITY) {
                throw new RouteException(name, null, "priority must be an integer 0 (highest) to 9 (lowest), got "
                        + p, 0, 0);
            }
            priority = p.intValue();
        }
        long ttl = 0;
        JsonNode t = value.get("timeToLiveSecs");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 0
                    || t.longValue() > RouteSpec.MAX_TIME_TO_LIVE_SECS) {
                throw new RouteException(name, null, "timeToLiveSecs must be an integer 0-"
                        + RouteSpec.MAX_TIME_TO_LIVE_SECS + " (0 = the global TTL), got " + t, 0, 0);
            }
            ttl = t.longValue();
        }
        return new RouteSpec(route, priority, ttl);
    }

    private static StoreAndForwardSettings storeAndForward(JsonNode node) {
        if (node == null || node.isNull()) {
            return StoreAndForwardSettings.DEFAULTS;
        }
        if (!node.isObject()) {
            throw new EdgeHubConfigException("storeAndForwardConfiguration must be an object");
        }
        long ttl = StoreAndForwardSettings.DEFAULT_TIME_TO_LIVE_SECS;
        JsonNode t = node.get("timeToLiveSecs");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToInt()) {
                throw new EdgeHubConfigException("storeAndForwardConfiguration.timeToLiveSecs must be an integer "
                        + "(seconds; negative = never expire), got " + t);
            }
            ttl = t.intValue();
        }
        long maxBytes = maxStoreSizeBytes(node);
        OverflowPolicy policy = OverflowPolicy.REFUSE;
        JsonNode o = node.get("overflowPolicy");
        if (o != null && !o.isNull()) {
            policy = o.isTextual() ? OverflowPolicy.fromWireName(o.textValue()) : null;
            if (policy == null) {
                throw new EdgeHubConfigException("storeAndForwardConfiguration.overflowPolicy must be \"refuse\" "
                        + "or \"dropOldest\", got " + o);
            }
        }
        return new StoreAndForwardSettings(ttl, maxBytes, policy);
    }

    /** {@code maxStoreSizeBytes}, else the reference's {@code storeLimits.maxSizeBytes}, else the default. */
    private static long maxStoreSizeBytes(JsonNode node) {
        String field = "storeAndForwardConfiguration.maxStoreSizeBytes";
        JsonNode m = node.get("maxStoreSizeBytes");
        if (m == null || m.isNull()) {
            JsonNode limits = node.get("storeLimits");
            m = limits != null && limits.isObject() ? limits.get("maxSizeBytes") : null;
            field = "storeAndForwardConfiguration.storeLimits.maxSizeBytes";
        }
        if (m == null || m.isNull()) {
            return StoreAndForwardSettings.DEFAULT_MAX_STORE_SIZE_BYTES;
        }
        if (!m.isIntegralNumber() || !m.canConvertToLong() || m.longValue() <= 0) {
            throw new EdgeHubConfigException(field + " must be a positive integer (bytes), got " + m);
        }
        return m.longValue();
    }

    /** The route with this name, or null. */
    public RouteSpec route(String name) {
        for (RouteSpec spec : routes) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }
}
