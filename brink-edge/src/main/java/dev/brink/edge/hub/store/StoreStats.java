package dev.brink.edge.hub.store;

import java.util.Map;

/**
 * Figures for metrics: bytes of stored messages (what the disk bound counts), the database file size, queue
 * lengths by endpoint id and then priority, and drop counts by reason ({@code ttl_expiry}, {@code overflow},
 * {@code no_route}), and the queue entries delivered and acknowledged before they were written, so never written.
 */
public record StoreStats(long storedBytes, long fileBytes, Map<String, Map<Integer, Long>> queueLengths,
                         Map<String, Long> dropped, long unwrittenEntries) {
}
