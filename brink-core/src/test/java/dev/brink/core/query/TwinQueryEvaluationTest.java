package dev.brink.core.query;

import static dev.brink.core.query.SampleTwins.ALL;
import static dev.brink.core.query.SampleTwins.D1;
import static dev.brink.core.query.SampleTwins.D2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TwinQueryEvaluationTest {

    /** Device ids of the sample twins matching the WHERE clause, in order. */
    private static String matching(String where) {
        TwinQuery q = TwinQuery.parse("SELECT * FROM devices WHERE " + where);
        return String.join(",", ALL.stream().filter(q::matches).map(t -> t.get("deviceId").asText()).toList());
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "tags.env = 'prod'                                         | d1,d3",
            "tags.location.region = \"US\"                              | d1,d2",
            "properties.reported.fw.version = '1.3.0'                  | d2",
            "properties.reported.temp > 25                             | d2",
            "properties.reported.temp <= 21.5                          | d1",
            "properties.reported.temp != 30                            | d1",
            "properties.reported.temp <> 30                            | d1",
            "properties.desired.interval = 0xA                         | d1,d2,d3",
            "tags.location.region IN ['EU', 'JP']                      | d3",
            "tags.location.region NIN ['EU', 'JP']                     | d1,d2",
            "tags.location.plant NIN ['Seattle']                       | d1",
            "tags.env = 'prod' AND tags.location.region = 'US'         | d1",
            "tags.env = 'test' OR tags.location.region = 'EU'          | d2,d3",
            "NOT tags.env = 'prod'                                     | d2",
            "NOT (tags.env = 'prod' OR tags.weight = 20)               | -",
            "NOT properties.reported.temp > 25                         | d1",
            "tags.missing = 1                                          | -",
            "tags.missing != 1                                         | -",
            "NOT tags.missing = 1                                      | -",
            "tags.missing = 1 OR tags.env = 'test'                     | d2",
            "tags.weight > 5                                           | d1,d2",
            "tags.weight = '10'                                        | -",
            "tags.location = tags.location                             | -",
            "IS_DEFINED(properties.reported.temp)                      | d1,d2",
            "NOT IS_DEFINED(properties.reported.temp)                  | d3",
            "IS_NUMBER(tags.weight)                                    | d1,d2",
            "IS_STRING(tags.weight) AND IS_OBJECT(tags.location)       | d3",
            "IS_ARRAY(properties.reported.list) AND IS_PRIMITIVE(deviceId) | d1",
            "DeviceID = 'd2'                                           | d2",
            "STATUS = 'enabled' AND ConnectionState = 'Connected'      | d1,d2,d3",
            "Tags.env = 'test'                                         | d2",
            "tags.Env = 'test'                                         | -",
            "capabilities.iotEdge = false                              | d1,d2,d3",
            "STARTS_WITH(tags.location.plant, 'Red')                   | d1",
            "ENDS_WITH(tags.location.plant, 'tle')                     | d2",
            "CONTAINS(LOWER(tags.location.plant), 'mond')              | d1",
            "UPPER(tags.env) = 'PROD' AND LENGTH(deviceId) = 2         | d1,d3",
            "CONCAT(deviceId, '-', tags.env) = 'd2-test'               | d2",
            "SUBSTRING(tags.location.plant, 0, 3) = 'Sea'              | d2",
            "INDEX_OF(tags.location.plant, 'mond') = 3                 | d1",
            "tags.weight * 2 + 1 = 21                                  | d1",
            "(tags.weight - 5) / 5 = 3                                 | d2",
            "tags.weight % 3 = 1                                       | d1",
            "-tags.weight < -15                                        | d2",
            "ABS(-tags.weight) = 10 AND SQUARE(2) = 4 AND POWER(2, 3) = 8 | d1",
            "FLOOR(properties.reported.temp) = 21 AND CEILING(properties.reported.temp) = 22 | d1",
            "SQRT(16) = 4 AND SIGN(-3) = -1 AND EXP(0) = 1 AND AS_NUMBER('42') = 42 | d1,d2,d3",
            "properties.reported.['odd-key'] = 'yes'                   | d1",
            "properties.reported.list[1] = 2                           | d1",
            "properties.reported.$version >= 2                         | d1,d2",
            "tags.env = 'prod' AND tags.env                            | -",
    })
    void evaluatesConditions(String where, String expected) {
        assertThat(matching(where)).isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void queryWithoutWhereMatchesEverything() {
        TwinQuery q = TwinQuery.parse("SELECT * FROM devices");
        assertThat(ALL).allMatch(q::matches);
        assertThat(q.project(D1)).isSameAs(D1);
    }

    @Test
    void stringEscapesAreDecoded() {
        JsonNode twin = Json.parse("{\"deviceId\":\"x\",\"tags\":{\"s\":\"it's \\\"A\\\" \\\\\"}}");
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.s = 'it\\'s \"\\u0041\" \\\\'").matches(twin))
                .isTrue();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.s = \"it's \\\"A\\\" \\\\\"").matches(twin))
                .isTrue();
    }

    @Test
    void projectionsUseAliasesOrLastSegmentsAndDocumentSpelling() {
        TwinQuery q = TwinQuery.parse("SELECT DeviceId, LastActivityTime, tags.location.region, "
                + "properties.reported.temp AS t, tags.missing, properties.reported.temp * 2, tags.env AS from "
                + "FROM devices");
        assertThat(q.project(D1)).isEqualTo(Json.parse("""
                {"deviceId":"d1","lastActivityTime":"2024-01-01T00:00:00Z","region":"US","t":21.5,"$6":43,
                 "from":"prod"}"""));
        assertThat(q.project(SampleTwins.D3).has("t")).isFalse();
        assertThat(q.project(SampleTwins.D3).has("$6")).isFalse();
    }

    @Test
    void projectsObjectsWhole() {
        ObjectNode row = TwinQuery.parse("SELECT deviceId, tags FROM devices WHERE tags.env = 'test'").project(D2);
        assertThat(row.get("tags")).isEqualTo(D2.get("tags"));
    }

    @Test
    void modulesQueryFiltersOnModuleFields() {
        TwinQuery q = TwinQuery.parse("SELECT deviceId, moduleId FROM devices.modules "
                + "WHERE properties.reported.status = 'scanning' AND deviceId IN ['d1','d2']");
        List<JsonNode> modules = List.of(
                SampleTwins.module("d1", "m1", "scanning"),
                SampleTwins.module("d2", "m2", "idle"),
                SampleTwins.module("d3", "m3", "scanning"));
        assertThat(q.fromModules()).isTrue();
        assertThat(modules.stream().filter(q::matches).map(q::project).toList())
                .containsExactly((ObjectNode) Json.parse("{\"deviceId\":\"d1\",\"moduleId\":\"m1\"}"));
    }

    @Test
    void projectAndNewAggregationGuardTheQueryKind() {
        assertThatThrownBy(() -> TwinQuery.parse("SELECT COUNT() FROM devices").project(D1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TwinQuery.parse("SELECT * FROM devices").newAggregation())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void comparisonsBetweenDifferentKindsAreNeverTrue() {
        JsonNode twin = Json.parse("{\"deviceId\":\"x\",\"tags\":{\"n\":1,\"s\":\"1\",\"b\":true,\"z\":null}}");
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.n = tags.s").matches(twin)).isFalse();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.n != tags.s").matches(twin)).isFalse();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.b = true").matches(twin)).isTrue();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.z = null").matches(twin)).isTrue();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE IS_NULL(tags.z)").matches(twin)).isTrue();
        assertThat(TwinQuery.parse("SELECT * FROM devices WHERE tags.n = 1.0").matches(twin)).isTrue();
    }
}
