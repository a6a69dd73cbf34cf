package dev.brink.core.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Small helpers shared by the twin tests. */
final class TwinTestSupport {
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00.000Z");
    static final Instant T1 = Instant.parse("2024-01-01T00:00:01.123Z");
    static final Instant T2 = Instant.parse("2024-01-01T00:00:02.456Z");
    static final String T0S = "2024-01-01T00:00:00.000Z";
    static final String T1S = "2024-01-01T00:00:01.123Z";
    static final String T2S = "2024-01-01T00:00:02.456Z";

    private TwinTestSupport() {
    }

    /** JSON with single quotes for readability. */
    static JsonNode j(String text) {
        return Json.parse(text.replace('\'', '"'));
    }

    static ObjectNode o(String text) {
        return (ObjectNode) j(text);
    }

    /** Asserts an ArgumentInvalid naming every given fragment (path and rule). */
    static void assertInvalid(ThrowingCallable call, String... fragments) {
        BrinkException e = catchThrowableOfType(BrinkException.class, call);
        assertThat(e).as("expected BrinkException").isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        for (String f : fragments) {
            assertThat(e.getMessage()).contains(f);
        }
    }

    /** An object whose compact UTF-8 JSON is exactly {@code bytes} long (bytes ≥ 10), strings ≤ 4000 chars. */
    static ObjectNode objectOfSize(int bytes) {
        ObjectNode node = Json.object();
        int i = 0;
        while (TwinLimits.utf8JsonLength(node) + 4100 < bytes) {
            node.put("k" + i++, "x".repeat(4000));
        }
        String last = "k" + i;
        node.put(last, "");
        long size = TwinLimits.utf8JsonLength(node);
        node.put(last, "y".repeat((int) (bytes - size)));
        assertThat(TwinLimits.utf8JsonLength(node)).isEqualTo(bytes);
        return node;
    }

    /** {"l1":{"l2":...{"lN":leaf}}} — the leaf sits at depth N. */
    static ObjectNode chain(int levels, JsonNode leaf) {
        JsonNode value = leaf;
        for (int level = levels; level >= 1; level--) {
            ObjectNode parent = Json.object();
            parent.set("l" + level, value);
            value = parent;
        }
        return (ObjectNode) value;
    }
}
