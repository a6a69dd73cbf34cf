package dev.brink.core.route;

import java.util.Locale;

/** What the edge hub does when storing a new message would exceed {@code maxStoreSizeBytes}. */
public enum OverflowPolicy {
    /** Refuse the new message with a clear error to the sender; nothing already accepted is touched. */
    REFUSE("refuse"),
    /** Drop the oldest stored messages (counted as dropped, reason {@code store_full}) until the new one fits. */
    DROP_OLDEST("dropOldest");

    private final String wireName;

    OverflowPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling in {@code storeAndForwardConfiguration.overflowPolicy}. */
    public String wireName() {
        return wireName;
    }

    /** The policy with this wire name (case-insensitive), or null. */
    public static OverflowPolicy fromWireName(String name) {
        for (OverflowPolicy p : values()) {
            if (p.wireName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        return null;
    }
}
