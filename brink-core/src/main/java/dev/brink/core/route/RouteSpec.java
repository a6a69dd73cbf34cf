package dev.brink.core.route;

/**
 * A route as configured in {@code $edgeHub}: the compiled route plus its priority and TTL.
 *
 * @param priority       0 (highest) … 9 (lowest), or {@link #DEFAULT_PRIORITY} when the route gives none
 *                       (string routes and objects without {@code priority}); lower numbers are served first
 * @param timeToLiveSecs the route's own TTL; 0 = use {@code storeAndForwardConfiguration.timeToLiveSecs}
 */
public record RouteSpec(Route route, int priority, long timeToLiveSecs) {

    public static final int HIGHEST_PRIORITY = 0;
    public static final int LOWEST_EXPLICIT_PRIORITY = 9;
    /**
     * The reference's {@code RouteFactory.DefaultPriority}: below every explicit priority, so adding priorities to
     * some routes of an existing deployment only ever promotes those routes.
     */
    public static final int DEFAULT_PRIORITY = 2_000_000_000;
    /** A route TTL is a uint32 in the reference. */
    public static final long MAX_TIME_TO_LIVE_SECS = 0xFFFF_FFFFL;

    public RouteSpec {
        if (priority != DEFAULT_PRIORITY && (priority < HIGHEST_PRIORITY || priority > LOWEST_EXPLICIT_PRIORITY)) {
            throw new IllegalArgumentException("priority must be 0-9, got " + priority);
        }
        if (timeToLiveSecs < 0 || timeToLiveSecs > MAX_TIME_TO_LIVE_SECS) {
            throw new IllegalArgumentException("timeToLiveSecs must be 0-" + MAX_TIME_TO_LIVE_SECS);
        }
    }

    public String name() {
        return route.name();
    }

    /**
     * The TTL this route gives its messages: its own when set, else the global one; negative = never expires.
     */
    public long effectiveTtlSecs(StoreAndForwardSettings settings) {
        return timeToLiveSecs > 0 ? timeToLiveSecs : (settings.ttlInfinite() ? -1 : settings.timeToLiveSecs());
    }
}
