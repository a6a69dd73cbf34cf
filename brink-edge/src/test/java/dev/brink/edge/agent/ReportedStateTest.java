package dev.brink.edge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class ReportedStateTest {
    @Test
    void diffHasChangedKeysAndNullsForRemovedOnes() {
        ObjectNode old = Json.parseObject("{\"$version\":3,\"a\":1,\"m\":{\"x\":{\"s\":\"running\"},\"y\":{\"s\":\"running\"}}}");
        ObjectNode now = Json.parseObject("{\"a\":1,\"m\":{\"x\":{\"s\":\"backoff\"}},\"b\":true}");
        assertThat(ReportedState.diff(old, now))
                .isEqualTo(Json.parseObject("{\"m\":{\"x\":{\"s\":\"backoff\"},\"y\":null},\"b\":true}"));
        assertThat(ReportedState.diff(now, now).isEmpty()).isTrue();
    }
}
