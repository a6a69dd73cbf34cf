package dev.brink.edge.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.message.Message;
import dev.brink.core.route.EdgeHubConfigException;
import dev.brink.core.route.EdgeHubDesired;
import dev.brink.core.route.MessageSource;
import java.util.List;
import java.util.Objects;

/**
 * Decides where each accepted message goes. Holds the current {@link RouteSet} in one volatile field: a
 * message is routed entirely by the set it read, and a new set replaces the old one in a single write, so
 * routing never sees a half-applied configuration. An invalid configuration never replaces a valid one.
 */
public final class MessageRouter {

    private volatile RouteSet routes;

    /** A router with no routes until the first valid {@code $edgeHub} configuration arrives. */
    public MessageRouter() {
        this(RouteSet.EMPTY);
    }

    public MessageRouter(RouteSet initial) {
        this.routes = Objects.requireNonNull(initial, "initial");
    }

    /** Routes a message whose source follows from its stamped {@code connectionModuleId} / {@code outputName}. */
    public List<RoutedEndpoint> route(Message message) {
        return routes.route(message, MessageSource.of(message));
    }

    /** The endpoints for a message from an explicit source; see {@link RouteSet#route}. */
    public List<RoutedEndpoint> route(Message message, MessageSource source) {
        return routes.route(message, source);
    }

    /** The set in use now (its settings carry TTL, disk bound and overflow policy). */
    public RouteSet routes() {
        return routes;
    }

    public void replace(RouteSet next) {
        routes = Objects.requireNonNull(next, "next");
    }

    /**
     * Validates {@code $edgeHub} desired properties and, only if they are valid, swaps them in.
     *
     * @return the new set
     * @throws EdgeHubConfigException (a {@link dev.brink.core.route.RouteException} for a bad route, naming it);
     *         the current routes stay in use — report it as {@code lastDesiredStatus} 400
     */
    public RouteSet apply(JsonNode edgeHubDesired) {
        RouteSet next = RouteSet.compile(EdgeHubDesired.parse(edgeHubDesired));
        routes = next;
        return next;
    }
}
