package dev.brink.client.service;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * One page of query results.
 *
 * @param items the rows of this page (twins, or raw objects for projections and aggregates)
 * @param continuation the token for the next page, or null when this was the last page
 */
public record QueryPage(ArrayNode items, String continuation) {
    public boolean hasMore() {
        return continuation != null;
    }
}
