package dev.brink.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.brink.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The condition sub-language as the edge hub's routes will use it: message paths via a custom resolver. */
class ConditionTest {

    private static final JsonNode BODY = Json.parse("{\"temperature\":31.5,\"site\":{\"name\":\"north\"}}");
    private static final Map<String, String> SYSTEM = Map.of(
            "$connectionDeviceId", "d1", "$connectionModuleId", "sensor", "$contentType", "application/json");
    private static final Map<String, String> APP = Map.of("alert", "true", "level", "high");

    /** A message resolver: $body.* into the JSON body, $-names are system properties, others app properties. */
    private static JsonNode resolveMessage(List<String> path) {
        String head = path.get(0);
        if (head.equals("$body")) {
            return ValueResolver.resolveIn(Json.MAPPER.createObjectNode().set("$body", BODY), path);
        }
        String value = head.startsWith("$") ? SYSTEM.get(head) : APP.get(head);
        return path.size() == 1 && value != null ? TextNode.valueOf(value) : null;
    }

    private static boolean test(String condition) {
        return Condition.parse(condition).test(ConditionTest::resolveMessage);
    }

    @Test
    void evaluatesMessagePaths() {
        assertThat(test("$body.temperature > 30")).isTrue();
        assertThat(test("$body.temperature > 30 AND $connectionDeviceId = 'd1'")).isTrue();
        assertThat(test("$body.site.name = 'north' AND $connectionModuleId IN ['sensor', 'camera']")).isTrue();
        assertThat(test("$contentType = 'application/json' AND level = 'high'")).isTrue();
        assertThat(test("alert = 'true' AND NOT (level = 'low')")).isTrue();
        assertThat(test("$body.temperature < 30 OR $connectionDeviceId = 'd2'")).isFalse();
        assertThat(test("$body.missing > 30")).isFalse();
        assertThat(test("IS_DEFINED($body.site) AND NOT IS_DEFINED($body.nothing)")).isTrue();
        assertThat(test("true")).isTrue();
        assertThat(test("$body.temperature")).isFalse();
    }

    @Test
    void resolverReceivesWholePathsAndMayReturnNull() {
        List<List<String>> seen = new ArrayList<>();
        Condition condition = Condition.parse("$body.a.b = 1 OR x = 2");
        assertThat(condition.test(path -> {
            seen.add(path);
            return null;
        })).isFalse();
        assertThat(seen).containsExactly(List.of("$body", "a", "b"), List.of("x"));
    }

    @Test
    void evaluateReturnsTheValue() {
        assertThat(Condition.parse("$body.temperature * 2").evaluate(ConditionTest::resolveMessage).doubleValue())
                .isEqualTo(63.0);
        assertThat(Condition.parse("$body.none").evaluate(ConditionTest::resolveMessage)).isNull();
    }

    @Test
    void syntaxErrorsNameThePosition() {
        assertThatThrownBy(() -> Condition.parse("$body.x >"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> assertThat(e.column()).isEqualTo(10));
        assertThatThrownBy(() -> Condition.parse("nosuch($body.x)"))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessageContaining("unknown function 'nosuch'");
        assertThatThrownBy(() -> Condition.parse("SELECT * FROM devices"))
                .isInstanceOf(QuerySyntaxException.class);
    }
}
