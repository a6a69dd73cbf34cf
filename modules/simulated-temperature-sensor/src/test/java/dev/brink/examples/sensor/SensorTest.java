package dev.brink.examples.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensorTest {
    @Test
    void readingsHaveTheDocumentedShapeAndCrossTheDefaultThreshold() {
        SimulatedMachine machine = new SimulatedMachine(new Random(7));
        boolean below = false;
        boolean above = false;
        for (int i = 0; i < 100; i++) {
            ObjectNode r = machine.next(Instant.parse("2026-01-01T00:00:00Z"));
            double t = r.at("/machine/temperature").asDouble();
            assertThat(t).isBetween(SimulatedMachine.START_TEMPERATURE, SimulatedMachine.MAX_TEMPERATURE);
            assertThat(r.at("/machine/pressure").isNumber()).isTrue();
            assertThat(r.at("/ambient/temperature").isNumber()).isTrue();
            assertThat(r.at("/ambient/humidity").isNumber()).isTrue();
            assertThat(r.path("timeCreated").asText()).isEqualTo("2026-01-01T00:00:00Z");
            below |= t <= 25;
            above |= t > 25;
        }
        assertThat(below).isTrue();
        assertThat(above).isTrue();
    }

    @Test
    void sendIntervalIsReadInSeconds() {
        assertThat(SensorModule.interval(Json.parse("5"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(SensorModule.interval(Json.parse("0.5"))).isEqualTo(Duration.ofMillis(500));
        assertThat(SensorModule.interval(Json.parse("0"))).isNull();
        assertThat(SensorModule.interval(Json.parse("\"5\""))).isNull();
        assertThat(SensorModule.interval(null)).isNull();
    }
}
