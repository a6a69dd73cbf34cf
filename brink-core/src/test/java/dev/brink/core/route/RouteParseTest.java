package dev.brink.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.route.RouteSource.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteParseTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/*                                         | ALL                       |        |",
            "/messages                                  | MESSAGES                  |        |",
            "/messages/*                                | MESSAGES                  |        |",
            "/messages/modules/*                        | ALL_MODULES               |        |",
            "/messages/modules/filter                   | MODULE                    | filter |",
            "/messages/modules/filter/*                 | MODULE                    | filter |",
            "/messages/modules/filter/outputs/*         | MODULE_OUTPUTS            | filter |",
            "/messages/modules/filter/outputs/alerts    | MODULE_OUTPUT             | filter | alerts",
            "/twinChangeNotifications                   | TWIN_CHANGE_NOTIFICATIONS |        |",
            "/MESSAGES/Modules/filter/OUTPUTS/alerts    | MODULE_OUTPUT             | filter | alerts",
            "/messages/modules/temp-sensor.v2/outputs/out_1 | MODULE_OUTPUT         | temp-sensor.v2 | out_1",
    })
    void parsesEverySourceForm(String source, Scope scope, String module, String output) {
        Route route = Route.parse("r", "FROM " + source + " INTO $upstream");
        assertThat(route.source().text()).isEqualTo(source);
        assertThat(route.source().scope()).isEqualTo(scope);
        assertThat(route.source().moduleId()).isEqualTo(module);
        assertThat(route.source().output()).isEqualTo(output);
        assertThat(route.condition()).isNull();
        assertThat(route.sink()).isEqualTo(RouteSink.UPSTREAM);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FROM /messages/* WHERE $connectionDeviceId = 'd1' INTO $upstream",
            "from /messages/* where $connectionDeviceId = 'd1' into $upstream",
            "SELECT * FROM /messages/* WHERE $connectionDeviceId = 'd1' INTO $upstream",
            "select * From /messages/* wHeRe $connectionDeviceId = 'd1' InTo $UPSTREAM",
            "FROM /messages/*\n  WHERE $connectionDeviceId = 'd1'\n  INTO $upstream",
    })
    void keywordsAreCaseInsensitive(String text) {
        Route route = Route.parse("r", text);
        assertThat(route.source().scope()).isEqualTo(Scope.MESSAGES);
        assertThat(route.condition()).isNotNull();
        assertThat(route.sink().endpointId()).isEqualTo("$upstream");
    }

    @Test
    void brokeredEndpointSinks() {
        Route route = Route.parse("toFilter",
                "FROM /messages/modules/sensor/outputs/temp INTO BrokeredEndpoint(\"/modules/filter/inputs/input1\")");
        assertThat(route.sink()).isEqualTo(new RouteSink.ModuleInput("filter", "input1"));
        assertThat(route.sink().endpointId()).isEqualTo("/modules/filter/inputs/input1");
        Route single = Route.parse("r", "FROM /* INTO brokeredendpoint('/Modules/filter/INPUTS/in')");
        assertThat(single.sink().endpointId()).isEqualTo("/modules/filter/inputs/in");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INTO $downstream                                       | unsupported sink '$downstream'",
            "INTO upstream                                          | unsupported sink 'upstream'",
            "INTO $upstream('/x')                                   | $upstream takes no argument",
            "INTO BrokeredEndpoint                                  | needs a path argument",
            "INTO BrokeredEndpoint(\"/modules/filter/inputs\")      | exactly 4 segments",
            "INTO BrokeredEndpoint(\"/modules/filter/inputs/a/b\")  | exactly 4 segments",
            "INTO BrokeredEndpoint(\"modules/filter/inputs/a\")     | exactly 4 segments",
            "INTO BrokeredEndpoint(\"/devices/filter/inputs/a\")    | exactly 4 segments",
            "INTO BrokeredEndpoint(\"/modules/filter/outputs/a\")   | exactly 4 segments",
            "INTO BrokeredEndpoint(\"/modules//inputs/a\")          | not a valid module id",
            "INTO BrokeredEndpoint(\"/modules/filter/inputs/\")     | not a valid input name",
            "INTO BrokeredEndpoint(\"/modules/filter/inputs/a#\")   | not a valid input name",
            "INTO EventHub(\"/modules/filter/inputs/a\")            | unsupported sink 'EventHub'",
    })
    void rejectsInvalidSinks(String into, String expected) {
        assertThatThrownBy(() -> Route.parse("bad", "FROM /messages/* " + into))
                .isInstanceOfSatisfying(RouteException.class, e -> {
                    assertThat(e.routeName()).isEqualTo("bad");
                    assertThat(e.column()).isEqualTo(23);
                })
                .hasMessageContaining("Route 'bad' is invalid")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/devices", "/messages/events", "/messages/modules", "/messages/modules/*/outputs/x",
            "/messages/modules/m/inputs/x", "/messages/modules/m/outputs/o/x", "/messages/modules/m/outputs",
            "/twinChangeNotifications/*", "/messages/*/*", "/*/messages"})
    void rejectsUnsupportedSources(String source) {
        assertThatThrownBy(() -> Route.parse("src", "FROM " + source + " INTO $upstream"))
                .isInstanceOfSatisfying(RouteException.class, e -> assertThat(e.column()).isEqualTo(6))
                .hasMessageContaining("unsupported source '" + source + "'")
                .hasMessageContaining("expected /*, /messages");
    }

    @Test
    void syntaxErrorsNameRouteLineAndColumn() {
        assertThatThrownBy(() -> Route.parse("r1", "FROM /messages/* WHERE $body.t > INTO $upstream"))
                .isInstanceOfSatisfying(RouteException.class, e -> {
                    assertThat(e.routeName()).isEqualTo("r1");
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(34);
                })
                .hasMessageContaining("Route 'r1' is invalid: Syntax error at line 1, column 34")
                .hasMessageContaining("(route: FROM /messages/* WHERE $body.t > INTO $upstream)");
        assertThatThrownBy(() -> Route.parse("r2", "FROM /messages/*\nWHERE a = 1\nINT $upstream"))
                .isInstanceOfSatisfying(RouteException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(1);
                });
        assertThatThrownBy(() -> Route.parse("r3", "FROM messages INTO $upstream"))
                .isInstanceOfSatisfying(RouteException.class, e -> assertThat(e.column()).isEqualTo(6));
        assertThatThrownBy(() -> Route.parse("r4", "FROM /messages/* WHERE nosuch(a) INTO $upstream"))
                .isInstanceOf(RouteException.class).hasMessageContaining("unknown function 'nosuch'");
        assertThatThrownBy(() -> Route.parse("r5", "FROM /messages/*"))
                .isInstanceOf(RouteException.class).hasMessageContaining("Route 'r5'");
        assertThatThrownBy(() -> Route.parse("r6", "SELECT a FROM /messages/* INTO $upstream"))
                .isInstanceOf(RouteException.class).hasMessageContaining("column 8");
        assertThatThrownBy(() -> Route.parse("r7", "  "))
                .isInstanceOf(RouteException.class).hasMessageContaining("empty");
    }
}
