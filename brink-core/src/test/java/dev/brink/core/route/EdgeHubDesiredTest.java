package dev.brink.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EdgeHubDesiredTest {

    private static EdgeHubDesired parse(String json) {
        return EdgeHubDesired.parse(Json.parse(json.replace('\'', '"')));
    }

    @Test
    void schema10WithStringRoutes() {
        EdgeHubDesired d = parse("""
                {'schemaVersion': '1.0',
                 'routes': {
                   'toUpstream': 'FROM /messages/* INTO $upstream',
                   'toFilter': 'FROM /messages/modules/sensor/outputs/temp INTO BrokeredEndpoint(\\'/modules/filter/inputs/in1\\')'
                 },
                 'storeAndForwardConfiguration': {'timeToLiveSecs': 3600},
                 '$version': 7}""");
        assertThat(d.schemaVersion()).isEqualTo("1.0");
        assertThat(d.routes()).extracting(RouteSpec::name).containsExactly("toUpstream", "toFilter");
        RouteSpec up = d.route("toUpstream");
        assertThat(up.priority()).isEqualTo(RouteSpec.DEFAULT_PRIORITY);
        assertThat(up.timeToLiveSecs()).isZero();
        assertThat(up.effectiveTtlSecs(d.storeAndForward())).isEqualTo(3600);
        assertThat(d.route("toFilter").route().sink().endpointId()).isEqualTo("/modules/filter/inputs/in1");
        assertThat(d.storeAndForward()).isEqualTo(new StoreAndForwardSettings(3600,
                StoreAndForwardSettings.DEFAULT_MAX_STORE_SIZE_BYTES, OverflowPolicy.REFUSE));
    }

    @Test
    void schema11WithRouteObjectsAndStrings() {
        EdgeHubDesired d = parse("""
                {'schemaVersion': '1.1',
                 'routes': {
                   'alerts': {'route': 'FROM /messages/* WHERE alert = \\'true\\' INTO $upstream', 'priority': 0,
                              'timeToLiveSecs': 86400},
                   'bulk': {'route': 'FROM /messages/* INTO $upstream', 'priority': 9},
                   'noPriority': {'route': 'FROM /messages/* INTO $upstream'},
                   'legacy': 'FROM /messages/modules/a/* INTO $upstream'
                 },
                 'storeAndForwardConfiguration': {'timeToLiveSecs': 7200, 'maxStoreSizeBytes': 104857600,
                                                  'overflowPolicy': 'dropOldest'}}""");
        assertThat(d.route("alerts").priority()).isZero();
        assertThat(d.route("alerts").effectiveTtlSecs(d.storeAndForward())).isEqualTo(86400);
        assertThat(d.route("bulk").priority()).isEqualTo(9);
        assertThat(d.route("bulk").effectiveTtlSecs(d.storeAndForward())).isEqualTo(7200);
        assertThat(d.route("noPriority").priority()).isEqualTo(RouteSpec.DEFAULT_PRIORITY);
        assertThat(d.route("legacy").priority()).isEqualTo(RouteSpec.DEFAULT_PRIORITY);
        assertThat(d.storeAndForward().maxStoreSizeBytes()).isEqualTo(104857600);
        assertThat(d.storeAndForward().overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
    }

    @Test
    void laterSchemaVersionsAreReadLike11() {
        EdgeHubDesired d = parse("""
                {'schemaVersion': '1.2', 'routes': {'r': {'route': 'FROM /* INTO $upstream', 'priority': 3}},
                 'mqttBroker': {'authorizations': []}}""");
        assertThat(d.route("r").priority()).isEqualTo(3);
        assertThat(parse("{'schemaVersion': '1.3'}").routes()).isEmpty();
    }

    @Test
    void defaults() {
        EdgeHubDesired d = parse("{'schemaVersion': '1.1'}");
        assertThat(d.routes()).isEmpty();
        assertThat(d.storeAndForward()).isEqualTo(StoreAndForwardSettings.DEFAULTS);
        assertThat(StoreAndForwardSettings.DEFAULTS.timeToLiveSecs()).isEqualTo(7200);
        assertThat(StoreAndForwardSettings.DEFAULTS.maxStoreSizeBytes()).isEqualTo(1L << 30);
        assertThat(StoreAndForwardSettings.DEFAULTS.overflowPolicy()).isEqualTo(OverflowPolicy.REFUSE);
        EdgeHubDesired partial = parse("{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'overflowPolicy': 'REFUSE'}}");
        assertThat(partial.storeAndForward()).isEqualTo(StoreAndForwardSettings.DEFAULTS);
    }

    @Test
    void negativeGlobalTtlNeverExpires() {
        EdgeHubDesired d = parse("""
                {'schemaVersion': '1.1', 'routes': {'a': 'FROM /* INTO $upstream',
                 'b': {'route': 'FROM /* INTO $upstream', 'timeToLiveSecs': 60}},
                 'storeAndForwardConfiguration': {'timeToLiveSecs': -1}}""");
        assertThat(d.storeAndForward().ttlInfinite()).isTrue();
        assertThat(d.route("a").effectiveTtlSecs(d.storeAndForward())).isEqualTo(-1);
        assertThat(d.route("b").effectiveTtlSecs(d.storeAndForward())).isEqualTo(60);
    }

    @Test
    void referenceStoreLimitsIsReadAsTheDiskBound() {
        EdgeHubDesired d = parse("""
                {'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'storeLimits': {'maxSizeBytes': 5000000}}}""");
        assertThat(d.storeAndForward().maxStoreSizeBytes()).isEqualTo(5000000);
        EdgeHubDesired both = parse("""
                {'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'maxStoreSizeBytes': 7000000,
                 'storeLimits': {'maxSizeBytes': 5000000}}}""");
        assertThat(both.storeAndForward().maxStoreSizeBytes()).isEqualTo(7000000);
    }

    @Test
    void invalidRouteNamesTheRoute() {
        assertThatThrownBy(() -> parse("""
                {'schemaVersion': '1.0', 'routes': {'good': 'FROM /* INTO $upstream',
                 'broken': 'FROM /messages/* WHERE INTO $upstream'}}"""))
                .isInstanceOfSatisfying(RouteException.class, e -> assertThat(e.routeName()).isEqualTo("broken"))
                .hasMessageStartingWith("Route 'broken' is invalid: Syntax error at line 1, column 24");
        assertThatThrownBy(() -> parse("{'schemaVersion': '1.1', 'routes': {'x': {'route': 'FROM /* INTO $nowhere'}}}"))
                .isInstanceOf(RouteException.class).hasMessageContaining("Route 'x'")
                .hasMessageContaining("unsupported sink '$nowhere'");
    }

    @Test
    void routeObjectsNeedSchema11() {
        assertThatThrownBy(() -> parse("{'schemaVersion': '1.0', 'routes': {'o': {'route': 'FROM /* INTO $upstream'}}}"))
                .isInstanceOf(RouteException.class).hasMessageContaining("Route 'o'")
                .hasMessageContaining("need schemaVersion 1.1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'route': 'FROM /* INTO $upstream', 'priority': 10}    | priority must be an integer 0 (highest) to 9",
            "{'route': 'FROM /* INTO $upstream', 'priority': -1}    | priority must be an integer",
            "{'route': 'FROM /* INTO $upstream', 'priority': 1.5}   | priority must be an integer",
            "{'route': 'FROM /* INTO $upstream', 'priority': '1'}   | priority must be an integer",
            "{'route': 'FROM /* INTO $upstream', 'timeToLiveSecs': -5}  | timeToLiveSecs must be an integer 0-4294967295",
            "{'route': 'FROM /* INTO $upstream', 'timeToLiveSecs': 4294967296} | timeToLiveSecs must be",
            "{'route': 'FROM /* INTO $upstream', 'timeToLiveSecs': 'x'} | timeToLiveSecs must be",
            "{'priority': 1}                                         | \"route\" must be a string",
            "{'route': 5}                                            | \"route\" must be a string",
            "42                                                      | a route must be a string or an object",
    })
    void routeObjectValidation(String route, String expected) {
        assertThatThrownBy(() -> parse("{'schemaVersion': '1.1', 'routes': {'r': " + route + "}}"))
                .isInstanceOfSatisfying(RouteException.class, e -> assertThat(e.routeName()).isEqualTo("r"))
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                      | schemaVersion must be one of",
            "{'schemaVersion': '2.0'}                                | schemaVersion must be one of",
            "{'schemaVersion': 1.1}                                  | schemaVersion must be one of",
            "{'schemaVersion': '1.1', 'routes': []}                  | routes must be an object",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': 5} | storeAndForwardConfiguration must be an object",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'timeToLiveSecs': 'x'}} | timeToLiveSecs must be an integer",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'maxStoreSizeBytes': 0}} | maxStoreSizeBytes must be a positive integer",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'maxStoreSizeBytes': '1GB'}} | maxStoreSizeBytes must be a positive integer",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'storeLimits': {'maxSizeBytes': -1}}} | storeLimits.maxSizeBytes must be a positive",
            "{'schemaVersion': '1.1', 'storeAndForwardConfiguration': {'overflowPolicy': 'dropNewest'}} | overflowPolicy must be \"refuse\" or \"dropOldest\"",
    })
    void settingsValidation(String json, String expected) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(EdgeHubConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void notAnObject() {
        assertThatThrownBy(() -> EdgeHubDesired.parse(Json.parse("[]"))).isInstanceOf(EdgeHubConfigException.class);
        assertThatThrownBy(() -> EdgeHubDesired.parse(null)).isInstanceOf(EdgeHubConfigException.class);
    }

    @Test
    void nullRoutesAreSkipped() {
        EdgeHubDesired d = parse("{'schemaVersion': '1.1', 'routes': {'gone': null, 'kept': 'FROM /* INTO $upstream'}}");
        assertThat(d.routes()).extracting(RouteSpec::name).containsExactly("kept");
    }
}
