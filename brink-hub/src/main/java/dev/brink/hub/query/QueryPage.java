package dev.brink.hub.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of query results.
 *
 * @param rows          the result objects (twins for {@code SELECT *}, projected/aggregated rows otherwise)
 * @param continuation  the opaque token for the next page, or null on the last page
 * @param itemType      {@code Twin} for whole twins, {@code Raw} for projections and aggregates
 */
public record QueryPage(List<ObjectNode> rows, String continuation, String itemType) {
    public static final String TWIN = "Twin";
    public static final String RAW = "Raw";
}
