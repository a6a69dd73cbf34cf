package dev.brink.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar additions for routes (||, ??, {$x}, twin_change_includes, the route rule) and that twin queries keep working. */
class RouteGrammarExtensionsTest {

    private static final JsonNode DOC = Json.parse("{\"a\":\"x\",\"b\":\"y\",\"n\":3,\"nul\":null,\"tags\":{\"into\":1}}");

    private static JsonNode eval(String condition) {
        return Condition.parse(condition).evaluate(ValueResolver.forDocument(DOC));
    }

    @Test
    void concatJoinsStringsOnly() {
        assertThat(eval("a || b").textValue()).isEqualTo("xy");
        assertThat(eval("a || '-' || b").textValue()).isEqualTo("x-y");
        assertThat(eval("a || n")).isNull();
        assertThat(eval("a || missing")).isNull();
        assertThat(Condition.parse("a || b = 'xy'").test(ValueResolver.forDocument(DOC))).isTrue();
    }

    @Test
    void coalesceTakesTheFirstDefinedValue() {
        assertThat(eval("missing ?? 'fallback'").textValue()).isEqualTo("fallback");
        assertThat(eval("a ?? 'fallback'").textValue()).isEqualTo("x");
        assertThat(eval("nul ?? 'fallback'").isNull()).isTrue();
        assertThat(eval("missing ?? other")).isNull();
        // ?? binds above comparisons: (missing ?? 5) > 4
        assertThat(Condition.parse("missing ?? 5 > 4").test(ValueResolver.forDocument(DOC))).isTrue();
    }

    @Test
    void bracedSystemPropertyGoesThroughResolveSystemProperty() {
        ValueResolver resolver = new ValueResolver() {
            @Override
            public JsonNode resolve(List<String> path) {
                return Json.parse("\"plain\"");
            }

            @Override
            public JsonNode resolveSystemProperty(String name) {
                return Json.parse("\"system:" + name + "\"");
            }
        };
        assertThat(Condition.parse("{$contentType}").evaluate(resolver).textValue()).isEqualTo("system:$contentType");
        assertThat(Condition.parse("$contentType").evaluate(resolver).textValue()).isEqualTo("plain");
        // The default implementation resolves it like the one-segment path.
        assertThat(Condition.parse("{$x}").evaluate(path -> Json.parse("\"" + path + "\"")).textValue())
                .isEqualTo("[$x]");
        assertThatThrownBy(() -> Condition.parse("{name} = 1"))
                .isInstanceOf(QuerySyntaxException.class).hasMessageContaining("only system properties");
    }

    @Test
    void twinChangeIncludesIsAStubReturningUndefined() {
        assertThat(eval("twin_change_includes(properties.desired.x)")).isNull();
        assertThat(Condition.parse("NOT IS_DEFINED(twin_change_includes(a, b))").test(ValueResolver.forDocument(DOC)))
                .isTrue();
    }

    @Test
    void intoIsAKeywordButStillALaterPathSegment() {
        TwinQuery query = TwinQuery.parse("SELECT tags.into FROM devices WHERE tags.into = 1");
        assertThat(query.matches(DOC)).isTrue();
    }

    @Test
    void routeStatementShapesTheParts() {
        RouteStatement r = RouteStatement.parse("SELECT * FROM /messages/modules/my-mod.1/outputs/* "
                + "WHERE $body.t > 1 INTO BrokeredEndpoint('/modules/b/inputs/in1')");
        assertThat(r.source()).isEqualTo("/messages/modules/my-mod.1/outputs/*");
        assertThat(r.sourceColumn()).isEqualTo(15);
        assertThat(r.condition()).isNotNull();
        assertThat(r.sinkName()).isEqualTo("BrokeredEndpoint");
        assertThat(r.sinkArgument()).isEqualTo("/modules/b/inputs/in1");
        RouteStatement plain = RouteStatement.parse("from /messages into $upstream");
        assertThat(plain.condition()).isNull();
        assertThat(plain.sinkArgument()).isNull();
        assertThat(plain.sinkColumn()).isEqualTo(21);
    }

    @Test
    void routeSourceMustNotContainWhitespace() {
        assertThatThrownBy(() -> RouteStatement.parse("FROM /messages/modules/a b INTO $upstream"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.column()).isEqualTo(6);
                    assertThat(e).hasMessageContaining("whitespace");
                });
    }
}
