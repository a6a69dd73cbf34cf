package dev.brink.core.route;

/**
 * {@code storeAndForwardConfiguration} of {@code $edgeHub}.
 *
 * @param timeToLiveSecs    global message TTL in seconds; negative = never expires (reference rule);
 *                          0 = messages not deliverable at once expire immediately
 * @param maxStoreSizeBytes Brink: bound on the whole message store on disk (bodies + queue entries)
 * @param overflowPolicy    Brink: what happens when a new message would exceed the bound
 */
public record StoreAndForwardSettings(long timeToLiveSecs, long maxStoreSizeBytes, OverflowPolicy overflowPolicy) {

    /** IoT Edge's documented default: two hours. */
    public static final long DEFAULT_TIME_TO_LIVE_SECS = 7200;
    /**
     * 1 GiB: about a day of 1 KB messages at 10 msg/s (or 1,000,000 queued 1 KB messages with overhead), and
     * small enough for the SD cards and 8–16 GB eMMC of typical gateways.
     */
    public static final long DEFAULT_MAX_STORE_SIZE_BYTES = 1L << 30;

    public static final StoreAndForwardSettings DEFAULTS = new StoreAndForwardSettings(
            DEFAULT_TIME_TO_LIVE_SECS, DEFAULT_MAX_STORE_SIZE_BYTES, OverflowPolicy.REFUSE);

    public StoreAndForwardSettings {
        if (maxStoreSizeBytes <= 0) {
            throw new IllegalArgumentException("maxStoreSizeBytes must be positive");
        }
        if (overflowPolicy == null) {
            throw new IllegalArgumentException("overflowPolicy is required");
        }
    }

    /** True when the global TTL is negative (messages never expire). */
    public boolean ttlInfinite() {
        return timeToLiveSecs < 0;
    }
}
