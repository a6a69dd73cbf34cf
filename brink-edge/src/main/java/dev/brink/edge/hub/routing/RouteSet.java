package dev.brink.edge.hub.routing;

import dev.brink.core.message.Message;
import dev.brink.core.route.EdgeHubDesired;
import dev.brink.core.route.MessageSource;
import dev.brink.core.route.MessageValues;
import dev.brink.core.route.Route;
import dev.brink.core.route.RouteSink;
import dev.brink.core.route.RouteSpec;
import dev.brink.core.route.StoreAndForwardSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, compiled set of routes plus the store-and-forward settings they came with — one snapshot of
 * {@code $edgeHub} desired properties. Routing a message walks flat arrays: a structural source check, then
 * the pre-compiled condition (if any) over one lazily created {@link MessageValues} shared by all routes.
 * Thread-safe.
 */
public final class RouteSet {

    /** No routes (every message is dropped as {@code no_route}) and default store settings. */
    public static final RouteSet EMPTY = compile(new EdgeHubDesired("1.1", List.of(), StoreAndForwardSettings.DEFAULTS));

    private final EdgeHubDesired desired;
    private final Route[] routes;
    /** Index into {@link #endpoints} of each route's sink. */
    private final int[] endpointOf;
    /** Each route's own endpoint/priority/TTL, pre-built so a single match allocates nothing. */
    private final RoutedEndpoint[] targetOf;
    private final List<RouteSink> endpoints;

    private RouteSet(EdgeHubDesired desired) {
        this.desired = desired;
        List<RouteSpec> specs = desired.routes();
        int n = specs.size();
        routes = new Route[n];
        endpointOf = new int[n];
        targetOf = new RoutedEndpoint[n];
        Map<String, Integer> index = new LinkedHashMap<>();
        List<RouteSink> sinks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RouteSpec spec = specs.get(i);
            RouteSink sink = spec.route().sink();
            Integer e = index.get(sink.endpointId());
            if (e == null) {
                e = sinks.size();
                index.put(sink.endpointId(), e);
                sinks.add(sink);
            }
            routes[i] = spec.route();
            endpointOf[i] = e;
            targetOf[i] = new RoutedEndpoint(sinks.get(e), spec.priority(),
                    spec.effectiveTtlSecs(desired.storeAndForward()));
        }
        endpoints = List.copyOf(sinks);
    }

    /** Compiles validated desired properties (see {@link EdgeHubDesired#parse}); never fails. */
    public static RouteSet compile(EdgeHubDesired desired) {
        return new RouteSet(desired);
    }

    public EdgeHubDesired desired() {
        return desired;
    }

    public StoreAndForwardSettings storeAndForward() {
        return desired.storeAndForward();
    }

    /** Every distinct endpoint some route sends to, in order of first appearance. */
    public List<RouteSink> endpoints() {
        return endpoints;
    }

    /**
     * The distinct endpoints {@code message} from {@code source} goes to, in {@link #endpoints()} order, each
     * with the merged priority and TTL of the routes that selected it ({@link RoutedEndpoint#merge}).
     * Empty (and allocation-free) when no route matches.
     */
    public List<RoutedEndpoint> route(Message message, MessageSource source) {
        RoutedEndpoint[] chosen = null;
        MessageValues values = null;
        int count = 0;
        for (int i = 0; i < routes.length; i++) {
            Route route = routes[i];
            if (!route.source().matches(source)) {
                continue;
            }
            if (route.condition() != null) {
                if (values == null) {
                    values = new MessageValues(message);
                }
                if (!route.condition().test(values)) {
                    continue;
                }
            }
            if (chosen == null) {
                chosen = new RoutedEndpoint[endpoints.size()];
            }
            int e = endpointOf[i];
            if (chosen[e] == null) {
                chosen[e] = targetOf[i];
                count++;
            } else {
                chosen[e] = chosen[e].merge(targetOf[i]);
            }
        }
        if (count == 0) {
            return List.of();
        }
        if (count == chosen.length) {
            return Arrays.asList(chosen);
        }
        RoutedEndpoint[] result = new RoutedEndpoint[count];
        int j = 0;
        for (RoutedEndpoint r : chosen) {
            if (r != null) {
                result[j++] = r;
            }
        }
        return Arrays.asList(result);
    }

    @Override
    public String toString() {
        return "RouteSet" + Arrays.toString(routes);
    }
}
