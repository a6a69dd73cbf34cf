package dev.brink.examples.sensor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The simulated machine: its temperature climbs in small random steps from about 21 °C and falls back to the
 * start once it passes 35 °C, so a filter threshold between the two (the filter's default is 25) is crossed
 * again and again. Pressure follows the temperature; the ambient air stays near 21 °C and 25 % humidity.
 * Pure and seedable, so tests can check the readings without a hub.
 */
final class SimulatedMachine {
    static final double START_TEMPERATURE = 21;
    static final double MAX_TEMPERATURE = 35;

    private final RandomGenerator random;
    private double temperature = START_TEMPERATURE;

    SimulatedMachine(RandomGenerator random) {
        this.random = random;
    }

    /** The next reading: {"machine":{"temperature","pressure"},"ambient":{"temperature","humidity"},"timeCreated"}. */
    ObjectNode next(Instant now) {
        temperature += random.nextDouble(0.2, 1.2);
        if (temperature > MAX_TEMPERATURE) {
            temperature = START_TEMPERATURE + random.nextDouble(0, 1);
        }
        ObjectNode reading = Json.object();
        reading.putObject("machine").put("temperature", round(temperature))
                .put("pressure", round(1 + (temperature - START_TEMPERATURE) * 0.07));
        reading.putObject("ambient").put("temperature", round(21 + random.nextDouble(-0.5, 0.5)))
                .put("humidity", (int) Math.round(25 + random.nextDouble(-1, 1)));
        reading.put("timeCreated", now.toString());
        return reading;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
