package dev.brink.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwinQueryParseTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM devices",
            "select * from DEVICES",
            "SELECT * FROM devices WHERE tags.env = 'prod'",
            "SELECT TOP 5 * FROM devices",
            "SELECT deviceId, tags.location.region AS region FROM devices",
            "SELECT COUNT() FROM devices",
            "SELECT COUNT() AS n, SUM(tags.weight), AVG(tags.weight), MIN(tags.weight), MAX(tags.weight) FROM devices",
            "SELECT tags.env, COUNT() AS n FROM devices GROUP BY tags.env",
            "SELECT * FROM devices GROUP BY tags.env, tags.location.region",
            "SELECT * FROM devices.modules WHERE moduleId = '$edgeAgent'",
            "SELECT * FROM devices WHERE properties.reported.['odd-key'] = 'yes'",
            "SELECT * FROM devices WHERE properties.reported.list[0] = 1",
            "SELECT * FROM devices WHERE tags.x IN ['a', \"b\", 1, 0x1F, -2.5e3, true, null] AND tags.y NIN []",
            "SELECT * FROM devices WHERE NOT (tags.a = 1 OR tags.b <> 2) AND tags.c != 3",
            "SELECT * FROM devices WHERE tags.a + 1 * 2 - 3 / 4 % 5 >= 0 AND tags.b <= 1 AND tags.c < 1 AND tags.d > 1",
            "SELECT * FROM devices WHERE is_defined(tags.a) AND Is_Null(tags.b) AND tags.c = undefined",
            "SELECT * FROM devices WHERE tags.from = 1 AND properties.reported.$version > 1",
            "SELECT * FROM devices\nWHERE\ttags.a = 'it\\'s \\\"q\\\" \\\\ \\u0041'",
    })
    void parsesTheLanguage(String text) {
        TwinQuery.parse(text);
    }

    @Test
    void exposesFromTopAndAggregateFlags() {
        TwinQuery q = TwinQuery.parse("SELECT TOP 3 * FROM devices.modules");
        assertThat(q.fromModules()).isTrue();
        assertThat(q.top()).isEqualTo(3);
        assertThat(q.isAggregate()).isFalse();

        TwinQuery plain = TwinQuery.parse("SELECT deviceId FROM devices");
        assertThat(plain.fromModules()).isFalse();
        assertThat(plain.top()).isEqualTo(-1);
        assertThat(TwinQuery.parse("SELECT COUNT() FROM devices").isAggregate()).isTrue();
        assertThat(TwinQuery.parse("SELECT * FROM devices GROUP BY tags.env").isAggregate()).isTrue();
    }

    @Test
    void misspelledKeywordNamesLineAndColumn() {
        assertThatThrownBy(() -> TwinQuery.parse("SELECT * FORM devices"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(10);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
                })
                .hasMessageStartingWith("Syntax error at line 1, column 10:")
                .hasMessageContaining("missing 'FROM' at 'FORM'");
    }

    @Test
    void errorsOnLaterLinesReportThatLine() {
        assertThatThrownBy(() -> TwinQuery.parse("SELECT *\nFROM devices\nWHERE tags.a = = 1"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(16);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM devices WHERE",
            "SELECT FROM devices",
            "SELECT * FROM devices WHERE tags.a = 'unterminated",
            "SELECT * FROM devices WHERE tags.a = #",
            "SELECT * FROM devices WHERE tags.a IN 'x'",
            "SELECT * FROM devices extra",
            "SELECT * FROM devices.jobs",
            "SELECT TOP 1.5 * FROM devices",
            "SELECT deviceId, COUNT() FROM devices",
            "SELECT tags.a, COUNT() FROM devices GROUP BY tags.b",
            "SELECT * FROM devices WHERE COUNT() > 1",
            "SELECT * FROM devices WHERE LENGTH('a', 'b') = 1",
            "SELECT SUM() FROM devices",
    })
    void rejectsInvalidQueries(String text) {
        assertThatThrownBy(() -> TwinQuery.parse(text))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessageStartingWith("Syntax error at line 1, column ");
    }

    @Test
    void unknownFunctionIsNamedWithItsPosition() {
        assertThatThrownBy(() -> TwinQuery.parse("SELECT * FROM devices WHERE FOO(tags.a) = 1"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(29);
                })
                .hasMessageContaining("unknown function 'FOO'");
    }

    @Test
    void queryLongerThan8192CharactersIsRejected() {
        String base = "SELECT * FROM devices WHERE tags.a = '";
        String exact = base + "x".repeat(TwinQuery.MAX_LENGTH - base.length() - 1) + "'";
        assertThat(exact).hasSize(8192);
        TwinQuery.parse(exact);

        String tooLong = base + "x".repeat(TwinQuery.MAX_LENGTH) + "'";
        assertThatThrownBy(() -> TwinQuery.parse(tooLong))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid))
                .hasMessageContaining("8192");
    }
}
