package dev.brink.edge.hub.routing;

import dev.brink.core.route.RouteSink;
import java.time.Instant;

/**
 * One endpoint a message must be queued for, with the priority and TTL of the route(s) that sent it there.
 *
 * @param priority 0 (highest) … 9, or {@link dev.brink.core.route.RouteSpec#DEFAULT_PRIORITY} (below all)
 * @param ttlSecs  seconds the message may wait in this endpoint's queue; negative = never expires
 */
public record RoutedEndpoint(RouteSink sink, int priority, long ttlSecs) {

    /** {@code $upstream} or {@code /modules/{m}/inputs/{i}}. */
    public String endpointId() {
        return sink.endpointId();
    }

    public boolean neverExpires() {
        return ttlSecs < 0;
    }

    /** When a message accepted at {@code acceptedAt} expires in this queue ({@link Instant#MAX} = never). */
    public Instant expiresAt(Instant acceptedAt) {
        return ttlSecs < 0 ? Instant.MAX : acceptedAt.plusSeconds(ttlSecs);
    }

    /**
     * Two routes sent the same message to this endpoint: the message is queued once, at the higher priority
     * (lower number), and kept for the longer TTL (never-expiring wins) — each route is a promise to deliver
     * within its TTL, and dropping earlier would break the longer one. Returns an existing instance when
     * it already is the merge result, so the common cases allocate nothing.
     */
    RoutedEndpoint merge(RoutedEndpoint other) {
        int p = Math.min(priority, other.priority);
        long t = (ttlSecs < 0 || other.ttlSecs < 0) ? -1 : Math.max(ttlSecs, other.ttlSecs);
        if (p == priority && t == ttlSecs) {
            return this;
        }
        if (p == other.priority && t == other.ttlSecs) {
            return other;
        }
        return new RoutedEndpoint(sink, p, t);
    }
}
