package dev.brink.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.core.id.IdentityKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code x-ms-continuation} token: base64url of a small JSON object. For row queries it holds
 * the key of the last returned twin (the next page scans strictly after it: keyset paging, O(page)) and
 * the number of rows returned so far (for TOP); for aggregate queries the row offset. A fingerprint of
 * the query text guards against a token replayed with another query.
 *
 * @param after     last returned key (row queries), else null
 * @param returned  rows returned before the next page
 */
record ContinuationToken(IdentityKey after, long returned, int fingerprint) {

    static ContinuationToken start(String queryText) {
        return new ContinuationToken(null, 0, queryText.hashCode());
    }

    String encode() {
        ObjectNode n = Json.object();
        n.put("q", fingerprint);
        n.put("n", returned);
        if (after != null) {
            n.put("d", after.deviceId());
            if (after.moduleId() != null) {
                n.put("m", after.moduleId());
            }
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(n).getBytes(StandardCharsets.UTF_8));
    }

    static ContinuationToken decode(String token, String queryText) {
        if (token == null || token.isBlank()) {
            return start(queryText);
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.trim()));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid();
        }
        if (n == null || !n.path("q").isInt() || !n.path("n").canConvertToLong() || n.path("n").asLong() < 0) {
            throw invalid();
        }
        if (n.path("q").intValue() != queryText.hashCode()) {
            throw BrinkException.invalid("the continuation token belongs to a different query");
        }
        IdentityKey after = null;
        if (n.path("d").isTextual()) {
            after = new IdentityKey(n.path("d").textValue(), n.path("m").isTextual() ? n.path("m").textValue() : null);
        }
        return new ContinuationToken(after, n.path("n").asLong(), n.path("q").intValue());
    }

    private static BrinkException invalid() {
        return BrinkException.invalid("malformed x-ms-continuation token");
    }
}
