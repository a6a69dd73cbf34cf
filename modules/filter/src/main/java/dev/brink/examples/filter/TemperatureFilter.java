package dev.brink.examples.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The filter's decision, without I/O: a reading passes when its {@code machine.temperature} is above the
 * threshold. Readings that are not JSON or have no numeric temperature never pass.
 */
final class TemperatureFilter {
    static final double DEFAULT_THRESHOLD = 25;

    private volatile double threshold = DEFAULT_THRESHOLD;

    double threshold() {
        return threshold;
    }

    boolean passes(JsonNode reading) {
        JsonNode t = reading == null ? null : reading.at("/machine/temperature");
        return t != null && t.isNumber() && t.asDouble() > threshold;
    }

    /**
     * Applies {@code TemperatureThreshold} from desired properties (a full document or a patch). Returns true
     * when the value was present and valid; a patch without it leaves the threshold alone, and a
     * {@code null} (the property deleted) restores the default.
     */
    boolean applyDesired(JsonNode desired) {
        if (desired == null || !desired.has("TemperatureThreshold")) {
            return false;
        }
        JsonNode v = desired.get("TemperatureThreshold");
        if (v.isNull()) {
            threshold = DEFAULT_THRESHOLD;
            return true;
        }
        if (!v.isNumber()) {
            return false;
        }
        threshold = v.asDouble();
        return true;
    }
}
