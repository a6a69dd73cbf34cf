package dev.brink.hub.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.query.TwinQuery;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreView;
import dev.brink.hub.twin.TwinJson;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs twin queries over the store's twin scan. Row queries page by key (the token names the last key
 * returned), so a page costs O(page size) plus the rows skipped by the WHERE clause; aggregate
 * queries are computed in full for each page and paged by offset. Each page reads one consistent
 * snapshot; pages are not a snapshot of each other (like IoT Hub, where results are eventually consistent).
 */
public final class QueryService {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    public static final int MAX_QUERY_LENGTH = 8192;
    private static final Pattern SELECT_STAR =
            Pattern.compile("^\\s*SELECT\\s+(TOP\\s+\\d+\\s+)?\\*\\s", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final HubStore store;

    public QueryService(HubStore store) {
        this.store = store;
    }

    /**
     * @param pageSize      {@code x-ms-max-item-count}; null = 100; capped at 1000
     * @param continuation  {@code x-ms-continuation} from the previous page, or null
     */
    public QueryPage query(String queryText, Integer pageSize, String continuation) {
        if (queryText == null || queryText.isBlank()) {
            throw BrinkException.invalid("the query body must hold a non-empty \"query\" string");
        }
        if (queryText.length() > MAX_QUERY_LENGTH) {
            throw BrinkException.invalid("the query is " + queryText.length() + " characters long; the maximum is "
                    + MAX_QUERY_LENGTH);
        }
        int size = pageSize(pageSize);
        TwinQuery query = TwinQuery.parse(queryText);
        ContinuationToken token = ContinuationToken.decode(continuation, queryText);
        if (query.isAggregate()) {
            return store.read(view -> aggregatePage(view, query, size, token));
        }
        String itemType = SELECT_STAR.matcher(queryText).find() ? QueryPage.TWIN : QueryPage.RAW;
        return store.read(view -> rowPage(view, query, size, token, itemType));
    }

    private static int pageSize(Integer requested) {
        if (requested == null) {
            return DEFAULT_PAGE_SIZE;
        }
        if (requested < 1) {
            throw BrinkException.invalid("x-ms-max-item-count must be at least 1, not " + requested);
        }
        return Math.min(requested, MAX_PAGE_SIZE);
    }

    private QueryPage rowPage(StoreView view, TwinQuery query, int size, ContinuationToken token, String itemType) {
        long remaining = query.top() < 0 ? Long.MAX_VALUE : query.top() - token.returned();
        int limit = (int) Math.max(0, Math.min(size, remaining));
        List<ObjectNode> rows = new ArrayList<>(Math.min(limit, 64));
        IdentityKey[] last = {null};
        boolean[] more = {false};
        if (limit > 0) {
            view.twins().scan(query.fromModules(), token.after(), (identity, twin) -> {
                ObjectNode doc = TwinJson.compose(identity, twin);
                if (!query.matches(doc)) {
                    return true;
                }
                if (rows.size() == limit) {
                    more[0] = true; // a further match exists: there is a next page
                    return false;
                }
                rows.add(query.project(doc));
                last[0] = identity.key();
                return true;
            });
        }
        boolean topReached = token.returned() + rows.size() >= (query.top() < 0 ? Long.MAX_VALUE : query.top());
        String next = more[0] && !topReached
                ? new ContinuationToken(last[0], token.returned() + rows.size(), token.fingerprint()).encode()
                : null;
        return new QueryPage(rows, next, itemType);
    }

    private QueryPage aggregatePage(StoreView view, TwinQuery query, int size, ContinuationToken token) {
        TwinQuery.Aggregation aggregation = query.newAggregation();
        view.twins().scan(query.fromModules(), null, (identity, twin) -> {
            ObjectNode doc = TwinJson.compose(identity, twin);
            if (query.matches(doc)) {
                aggregation.accept(doc);
            }
            return true;
        });
        List<ObjectNode> all = aggregation.rows();
        int total = query.top() < 0 ? all.size() : Math.min(all.size(), query.top());
        int from = (int) Math.min(token.returned(), total);
        int to = Math.min(total, from + size);
        String next = to < total ? new ContinuationToken(null, to, token.fingerprint()).encode() : null;
        return new QueryPage(new ArrayList<>(all.subList(from, to)), next, QueryPage.RAW);
    }
}
