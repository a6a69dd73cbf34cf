package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything of the demo's edge device that reached the hub, and the three verdicts computed from it.
 *
 * <p>Two streams arrive: the filter's alerts (route {@code filter/output1 → $upstream}) and, through the audit
 * route the demo adds to the quickstart manifest, every reading the sensor sent. Both carry the sensor's
 * {@code sequenceNumber} and the reading's {@code timeCreated}, so the hub-side record can be checked against
 * what must have happened at the edge: every sequence number present (nothing lost), and an alert exactly for
 * the readings above the threshold in force when the reading was made. No edge-side counter is trusted.
 */
final class Ledger {
    static final String SENSOR = "SimulatedTemperatureSensor";
    static final String FILTER = "filter";

    /** What one event from the hub was. */
    enum Kind { READING, ALERT, OTHER }

    /** One event, decoded: the sensor's sequence number and temperature, when it was made and when it arrived. */
    record Reading(Kind kind, long seq, double temperature, Instant created, Instant enqueued) {
        /** Seconds between the reading being made and the hub storing it. */
        double delaySeconds() {
            return Duration.between(created, enqueued).toMillis() / 1000.0;
        }
    }

    private final double initialThreshold;
    private final NavigableMap<Long, Reading> readings = new TreeMap<>();
    private final Map<Long, Reading> alerts = new HashMap<>();
    private int duplicates;
    private Double newThreshold;
    private Instant changeRequested;
    private Instant changeReported;
    private Instant hubStopped;
    private Instant hubRestarted;

    Ledger(double initialThreshold) {
        this.initialThreshold = initialThreshold;
    }

    /** Records one event of the hub's events stream; returns it decoded (kind OTHER: not from the demo's modules). */
    synchronized Reading record(JsonNode event) {
        String module = event.path("moduleId").asText("");
        Kind kind = module.equals(SENSOR) ? Kind.READING : module.equals(FILTER) ? Kind.ALERT : Kind.OTHER;
        Reading r;
        try {
            JsonNode body = Json.parse(event.path("body").asText());
            r = new Reading(kind, Long.parseLong(event.path("applicationProperties").path("sequenceNumber").asText()),
                    body.at("/machine/temperature").asDouble(), Instant.parse(body.path("timeCreated").asText()),
                    Instant.parse(event.path("enqueuedTime").asText()));
        } catch (RuntimeException e) {
            return new Reading(Kind.OTHER, -1, Double.NaN, Instant.EPOCH, Instant.EPOCH);
        }
        if (kind == Kind.OTHER) {
            return r;
        }
        Map<Long, Reading> target = kind == Kind.READING ? readings : alerts;
        if (target.putIfAbsent(r.seq(), r) != null) {
            duplicates++; // at-least-once delivery may repeat a message; it counts once
        }
        return r;
    }

    synchronized void thresholdChangeRequested(double value, Instant at) {
        newThreshold = value;
        changeRequested = at;
    }

    /** The hub shows the filter's reported threshold = the new value: from here on every reading uses it. */
    synchronized void thresholdChangeReported(Instant at) {
        changeReported = at;
    }

    synchronized void hubStopped(Instant at) {
        hubStopped = at;
    }

    synchronized void hubRestarted(Instant at) {
        hubRestarted = at;
    }

    synchronized int readingCount() {
        return readings.size();
    }

    synchronized int alertCount() {
        return alerts.size();
    }

    synchronized long lastSeq() {
        return readings.isEmpty() ? 0 : readings.lastKey();
    }

    /** The threshold the filter used for a reading made at {@code created} (the new one once it was reported). */
    synchronized double thresholdAt(Instant created) {
        return newThreshold != null && changeReported != null && !created.isBefore(changeReported)
                ? newThreshold : initialThreshold;
    }

    /** The threshold for a reading made at {@code created}, as text: "changing" between the patch and the report. */
    synchronized String thresholdLabel(Instant created) {
        if (changeRequested != null && !created.isBefore(changeRequested)
                && (changeReported == null || created.isBefore(changeReported))) {
            return "changing";
        }
        return num(thresholdAt(created));
    }

    /** Verdict 1: the pipeline sensor → filter → $upstream → hub delivered messages. */
    synchronized Check delivered() {
        String name = "messages reached the hub";
        String detail = alerts.size() + " filter alerts and " + readings.size() + " sensor readings (audit route)"
                + (duplicates > 0 ? ", " + duplicates + " duplicates ignored" : "");
        return alerts.isEmpty() || readings.isEmpty() ? Check.fail(name, detail) : Check.pass(name, detail);
    }

    /**
     * Verdict 2: every reading made after the filter reported the new threshold, up to {@code cutoff}, was forwarded
     * exactly when above the new threshold — and at least one of them lay between the old and the new threshold,
     * so the outcome differs from what the old threshold would have given.
     */
    synchronized Check twinChange(Instant cutoff) {
        String name = "twin change took effect";
        if (newThreshold == null) {
            return Check.fail(name, "the threshold was never changed");
        }
        String change = "TemperatureThreshold " + num(initialThreshold) + " -> " + num(newThreshold);
        if (changeReported == null) {
            return Check.fail(name, change + " was requested but the filter never reported it");
        }
        double lo = Math.min(initialThreshold, newThreshold);
        double hi = Math.max(initialThreshold, newThreshold);
        int considered = 0;
        int forwarded = 0;
        int between = 0;
        List<String> wrong = new ArrayList<>();
        for (Reading r : readings.values()) {
            if (r.created().isBefore(changeReported) || !r.created().isBefore(cutoff)) {
                continue;
            }
            considered++;
            boolean expected = r.temperature() > newThreshold;
            boolean actual = alerts.containsKey(r.seq());
            forwarded += actual ? 1 : 0;
            between += r.temperature() > lo && r.temperature() <= hi ? 1 : 0;
            if (expected != actual) {
                wrong.add("#" + r.seq() + " (" + num(r.temperature()) + (actual ? ", forwarded)" : ", not forwarded)"));
            }
        }
        String detail = change + " reported by the filter " + seconds(changeRequested, changeReported)
                + " s after the patch; of " + considered + " readings since, " + forwarded + " above "
                + num(newThreshold) + " were forwarded and " + (considered - forwarded) + " dropped; " + between
                + " lay between " + num(lo) + " and " + num(hi) + ", where the two thresholds disagree";
        if (!wrong.isEmpty()) {
            List<String> first = wrong.subList(0, Math.min(5, wrong.size()));
            return Check.fail(name, detail + "; wrong: " + String.join(", ", first));
        }
        if (between == 0) {
            return Check.fail(name, detail + " (so nothing showed the difference; run longer)");
        }
        return Check.pass(name, detail);
    }

    /**
     * Verdict 3: the readings made while the hub was down — bounded by the last sequence number made before the stop
     * and the first made after the restart — all reached the hub, none missing, and so did the filter's alert for
     * each of them above the threshold.
     */
    synchronized Check offline() {
        String name = "nothing lost while offline";
        if (hubStopped == null || hubRestarted == null) {
            return Check.fail(name, "the offline episode did not run");
        }
        long before = 0;
        Long after = null;
        for (Reading r : readings.values()) {
            if (r.created().isBefore(hubStopped)) {
                before = Math.max(before, r.seq());
            } else if (!r.created().isBefore(hubRestarted) && after == null) {
                after = r.seq();
            }
        }
        String down = "hub down " + seconds(hubStopped, hubRestarted) + " s";
        if (after == null) {
            return Check.fail(name, down + "; no reading made after the restart reached the hub, so the episode "
                    + "cannot be closed");
        }
        long expected = after - before - 1;
        List<Long> missing = new ArrayList<>();
        int alertsExpected = 0;
        List<Long> alertsMissing = new ArrayList<>();
        int late = 0;
        for (long seq = before + 1; seq < after; seq++) {
            Reading r = readings.get(seq);
            if (r == null) {
                missing.add(seq);
                continue;
            }
            late += r.enqueued().isBefore(hubRestarted) ? 0 : 1;
            if (r.temperature() > thresholdAt(r.created())) {
                alertsExpected++;
                if (!alerts.containsKey(seq)) {
                    alertsMissing.add(seq);
                }
            }
        }
        String detail = down + "; " + expected + " readings made meanwhile (#" + (before + 1) + "-#" + (after - 1)
                + "), " + (expected - missing.size()) + " reached the hub (" + late + " after the restart), "
                + (alertsExpected - alertsMissing.size()) + " of " + alertsExpected + " alerts for those above the "
                + "threshold";
        if (expected <= 0) {
            return Check.fail(name, detail + " (nothing was sent while the hub was down)");
        }
        if (!missing.isEmpty() || !alertsMissing.isEmpty()) {
            return Check.fail(name, detail + "; missing readings " + missing + ", missing alerts " + alertsMissing);
        }
        return Check.pass(name, detail + "; none missing");
    }

    /** Sequence numbers between the first and the last reading that never reached the hub. */
    synchronized List<Long> gaps() {
        List<Long> gaps = new ArrayList<>();
        if (!readings.isEmpty()) {
            for (long seq = readings.firstKey(); seq < readings.lastKey() && gaps.size() < 20; seq++) {
                if (!readings.containsKey(seq)) {
                    gaps.add(seq);
                }
            }
        }
        return gaps;
    }

    synchronized boolean hasAlert(long seq) {
        return alerts.containsKey(seq);
    }

    /** Readings made while the hub was down that have not reached it yet (the drain is done at 0). */
    synchronized boolean offlineDrained() {
        return hubRestarted != null && offline().passed();
    }

    static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String seconds(Instant from, Instant to) {
        return from == null || to == null ? "?" : String.format(Locale.ROOT, "%.1f", Duration.between(from, to)
                .toMillis() / 1000.0);
    }
}
