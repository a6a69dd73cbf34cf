package dev.brink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The demo's verdicts from a made-up events stream: what passes, and each way of failing. */
class LedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final Ledger ledger = new Ledger(25);

    @Test
    void aCleanRunPassesAllThree() {
        // seconds 1..30: one reading a second, temperatures cycling 22..31
        for (int s = 1; s <= 30; s++) {
            double temp = 22 + (s % 10);
            boolean offline = s >= 20 && s < 25;
            Instant arrives = offline ? at(25.5) : at(s + 0.01);
            reading(s, temp, at(s), arrives);
            if (temp > ledger.thresholdAt(at(s))) {
                alert(s, temp, at(s), arrives);
            }
            if (s == 10) {
                ledger.thresholdChangeRequested(30, at(10.1));
                ledger.thresholdChangeReported(at(10.5));
            }
        }
        ledger.hubStopped(at(19.5));
        ledger.hubRestarted(at(25));

        assertThat(ledger.delivered().passed()).isTrue();
        Check twin = ledger.twinChange(at(28));
        assertThat(twin.passed()).as(twin.line()).isTrue();
        assertThat(twin.detail()).contains("25 -> 30", "of 17 readings since");
        Check offline = ledger.offline();
        assertThat(offline.passed()).as(offline.line()).isTrue();
        assertThat(offline.detail()).contains("5 readings made meanwhile (#20-#24)",
                "5 reached the hub (5 after the restart)");
        assertThat(ledger.gaps()).isEmpty();
    }

    @Test
    void aLostReadingOrAlertFailsTheOfflineCheck() {
        ledger.hubStopped(at(1.5));
        ledger.hubRestarted(at(5));
        reading(1, 22, at(1), at(1));
        reading(2, 27, at(2), at(6));
        alert(2, 27, at(2), at(6));
        reading(4, 27, at(4), at(6)); // #3 never arrives, and #4's alert neither
        reading(5, 22, at(5.2), at(6));
        Check offline = ledger.offline();
        assertThat(offline.passed()).isFalse();
        assertThat(offline.detail()).contains("missing readings [3]", "missing alerts [4]");
        assertThat(ledger.gaps()).containsExactly(3L);
    }

    @Test
    void theTwinCheckNeedsTheReportAndAReadingWhereTheThresholdsDisagree() {
        ledger.thresholdChangeRequested(30, at(0));
        assertThat(ledger.twinChange(at(100)).detail()).contains("never reported");
        ledger.thresholdChangeReported(at(1));
        reading(1, 33, at(2), at(2));
        alert(1, 33, at(2), at(2));
        assertThat(ledger.twinChange(at(100)).detail()).contains("nothing showed the difference");
        reading(2, 28, at(3), at(3));
        alert(2, 28, at(3), at(3)); // forwarded with the old threshold: wrong
        Check wrong = ledger.twinChange(at(100));
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.detail()).contains("wrong: #2 (28, forwarded)");
    }

    @Test
    void duplicatesCountOnceAndForeignEventsAreIgnored() {
        reading(1, 26, at(1), at(1));
        reading(1, 26, at(1), at(2));
        assertThat(ledger.readingCount()).isEqualTo(1);
        ObjectNode other = Json.object().put("moduleId", "someone-else").put("body", "not json");
        assertThat(ledger.record(other).kind()).isEqualTo(Ledger.Kind.OTHER);
        assertThat(ledger.delivered().passed()).isFalse(); // no alert yet
    }

    private void reading(long seq, double temp, Instant made, Instant enqueued) {
        ledger.record(event(Ledger.SENSOR, seq, temp, made, enqueued));
    }

    private void alert(long seq, double temp, Instant made, Instant enqueued) {
        ledger.record(event(Ledger.FILTER, seq, temp, made, enqueued));
    }

    private static ObjectNode event(String module, long seq, double temp, Instant made, Instant enqueued) {
        ObjectNode body = Json.object();
        body.putObject("machine").put("temperature", temp);
        body.put("timeCreated", made.toString());
        ObjectNode e = Json.object().put("deviceId", "demo-edge").put("moduleId", module)
                .put("enqueuedTime", enqueued.toString()).put("body", Json.write(body));
        e.putObject("applicationProperties").put("sequenceNumber", Long.toString(seq));
        return e;
    }

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }
}
