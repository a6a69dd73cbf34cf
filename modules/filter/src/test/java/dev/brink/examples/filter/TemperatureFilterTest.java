package dev.brink.examples.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class TemperatureFilterTest {
    private static final String READING = "{\"machine\":{\"temperature\":%s,\"pressure\":1.2},"
            + "\"ambient\":{\"temperature\":21,\"humidity\":25},\"timeCreated\":\"2026-01-01T00:00:00Z\"}";

    @Test
    void forwardsOnlyReadingsAboveTheThreshold() {
        TemperatureFilter filter = new TemperatureFilter();
        assertThat(filter.threshold()).isEqualTo(25);
        assertThat(filter.passes(Json.parse(READING.formatted("25.01")))).isTrue();
        assertThat(filter.passes(Json.parse(READING.formatted("25")))).isFalse();
        assertThat(filter.passes(Json.parse(READING.formatted("\"30\"")))).isFalse();
        assertThat(filter.passes(Json.parse("{}"))).isFalse();
        assertThat(filter.passes(null)).isFalse();
    }

    @Test
    void desiredPatchesChangeTheThreshold() {
        TemperatureFilter filter = new TemperatureFilter();
        assertThat(filter.applyDesired(Json.parse("{\"TemperatureThreshold\": 30, \"$version\": 2}"))).isTrue();
        assertThat(filter.passes(Json.parse(READING.formatted("29")))).isFalse();
        assertThat(filter.applyDesired(Json.parse("{\"SendInterval\": 5}"))).isFalse();
        assertThat(filter.threshold()).isEqualTo(30);
        assertThat(filter.applyDesired(Json.parse("{\"TemperatureThreshold\": \"hot\"}"))).isFalse();
        assertThat(filter.threshold()).isEqualTo(30);
        assertThat(filter.applyDesired(Json.parse("{\"TemperatureThreshold\": null}"))).isTrue();
        assertThat(filter.threshold()).isEqualTo(25);
    }
}
