package dev.brink.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwinQueryAggregationTest {

    private static List<JsonNode> run(String text, List<JsonNode> twins) {
        TwinQuery q = TwinQuery.parse(text);
        assertThat(q.isAggregate()).isTrue();
        TwinQuery.Aggregation aggregation = q.newAggregation();
        twins.stream().filter(q::matches).forEach(aggregation::accept);
        return aggregation.rows().stream().map(JsonNode.class::cast).toList();
    }

    private static JsonNode json(String text) {
        return Json.parse(text);
    }

    @Test
    void countWithoutAliasIsNumberOfDevices() {
        assertThat(run("SELECT COUNT() FROM devices", SampleTwins.ALL))
                .containsExactly(json("{\"numberOfDevices\":3}"));
        assertThat(run("SELECT COUNT() AS total FROM devices WHERE tags.env = 'prod'", SampleTwins.ALL))
                .containsExactly(json("{\"total\":2}"));
    }

    @Test
    void countOverNothingIsZero() {
        assertThat(run("SELECT COUNT() FROM devices WHERE tags.env = 'none'", SampleTwins.ALL))
                .containsExactly(json("{\"numberOfDevices\":0}"));
    }

    @Test
    void numericAggregatesIgnoreNonNumbers() {
        // d3's weight is a string; only d1 (10) and d2 (20) count.
        assertThat(run("SELECT SUM(tags.weight), AVG(tags.weight), MIN(tags.weight), MAX(tags.weight) AS heaviest, "
                + "AVG(properties.reported.temp) AS avgTemp FROM devices", SampleTwins.ALL))
                .containsExactly(json("{\"sum\":30,\"avg\":15,\"min\":10,\"heaviest\":20,\"avgTemp\":25.75}"));
    }

    @Test
    void duplicateDefaultNamesAreMadeUnique() {
        assertThat(run("SELECT SUM(tags.weight), SUM(properties.reported.temp) FROM devices", SampleTwins.ALL))
                .containsExactly(json("{\"sum\":30,\"sum2\":51.5}"));
    }

    @Test
    void groupByGivesOneRowPerGroupInFirstSeenOrder() {
        assertThat(run("SELECT tags.env, COUNT() AS n, SUM(tags.weight) AS w FROM devices GROUP BY tags.env",
                SampleTwins.ALL))
                .containsExactly(json("{\"env\":\"prod\",\"n\":2,\"w\":10}"), json("{\"env\":\"test\",\"n\":1,\"w\":20}"));
    }

    @Test
    void groupByKeysAreAddedWhenNotProjectedAndAliasesAreKept() {
        assertThat(run("SELECT tags.location.region AS r, COUNT() FROM devices GROUP BY tags.location.region, tags.env",
                SampleTwins.ALL))
                .containsExactly(
                        json("{\"r\":\"US\",\"numberOfDevices\":1,\"env\":\"prod\"}"),
                        json("{\"r\":\"US\",\"numberOfDevices\":1,\"env\":\"test\"}"),
                        json("{\"r\":\"EU\",\"numberOfDevices\":1,\"env\":\"prod\"}"));
    }

    @Test
    void groupByOnAMissingValueFormsItsOwnGroupWithoutTheKey() {
        assertThat(run("SELECT properties.reported.status, COUNT() AS n FROM devices GROUP BY properties.reported.status",
                SampleTwins.ALL))
                .containsExactly(json("{\"status\":\"ok\",\"n\":1}"), json("{\"status\":\"error\",\"n\":1}"),
                        json("{\"n\":1}"));
    }

    @Test
    void groupByIdentityNameUsesDocumentSpelling() {
        assertThat(run("SELECT COUNT() AS n FROM devices GROUP BY Status", SampleTwins.ALL))
                .containsExactly(json("{\"n\":3,\"status\":\"enabled\"}"));
    }

    @Test
    void topLimitsGroupRows() {
        List<JsonNode> rows = run("SELECT TOP 1 tags.env, COUNT() AS n FROM devices GROUP BY tags.env", SampleTwins.ALL);
        assertThat(rows).containsExactly(json("{\"env\":\"prod\",\"n\":2}"));
    }

    @Test
    void modulesCountKeepsTheDocumentedName() {
        List<JsonNode> modules = List.of(SampleTwins.module("d1", "m1", "a"), SampleTwins.module("d1", "m2", "b"));
        TwinQuery q = TwinQuery.parse("SELECT COUNT() FROM devices.modules WHERE deviceId = 'd1'");
        TwinQuery.Aggregation aggregation = q.newAggregation();
        modules.stream().filter(q::matches).forEach(aggregation::accept);
        List<ObjectNode> rows = aggregation.rows();
        assertThat(rows).containsExactly((ObjectNode) json("{\"numberOfDevices\":2}"));
    }
}
