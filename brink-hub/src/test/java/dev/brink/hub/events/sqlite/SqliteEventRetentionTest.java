package dev.brink.hub.events.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.events.EventRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention by age and by size over a real events file; offsets never repeat, even after everything is old. */
@Timeout(60)
class SqliteEventRetentionTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static DeviceEvent event(Instant at, int bodyBytes) {
        return new DeviceEvent(null, at, "d1", null, Map.of("$.mid", "m"), Map.of(), new byte[bodyBytes]);
    }

    private static void append(SqliteEventLog log, List<DeviceEvent> events) {
        CompletableFuture.allOf(events.stream().map(log::append).toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void oldEventsAreDeletedAndTheNewestIsAlwaysKept() {
        Path file = dir.resolve("events.db");
        try (SqliteEventLog log = SqliteEventLog.open(file);
             SqliteEventRetention retention = SqliteEventRetention.open(file,
                     new EventRetention.Limits(Duration.ofDays(7), 1L << 30))) {
            append(log, IntStream.range(0, 10).mapToObj(i -> event(T0.plus(Duration.ofDays(i)), 10)).toList());
            // at T0 + 10 days, events of days 0..2 are older than 7 days
            assertThat(retention.enforce(T0.plus(Duration.ofDays(10)))).isEqualTo(3);
            assertThat(log.read(0, 100)).extracting(DeviceEvent::offset).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(retention.enforce(T0.plus(Duration.ofDays(10)))).isZero();
            // everything is old now: all but the newest go
            assertThat(retention.enforce(T0.plus(Duration.ofDays(100)))).isEqualTo(6);
            assertThat(log.read(0, 100)).extracting(DeviceEvent::offset).containsExactly(9L);
        }
        // reopening continues after the newest offset: offsets never repeat
        try (SqliteEventLog log = SqliteEventLog.open(file)) {
            assertThat(log.nextOffset()).isEqualTo(10);
            assertThat(log.append(event(T0, 1)).join()).isEqualTo(10);
        }
    }

    @Test
    void theOldestEventsAreDeletedWhileTheLogIsTooLarge() {
        Path file = dir.resolve("events.db");
        long limit = 512 * 1024;
        try (SqliteEventLog log = SqliteEventLog.open(file);
             SqliteEventRetention retention = SqliteEventRetention.open(file,
                     new EventRetention.Limits(Duration.ofDays(7), limit))) {
            // ~2 MB of 1 KB events, all young
            for (int batch = 0; batch < 4; batch++) {
                append(log, IntStream.range(0, 500).mapToObj(i -> event(T0, 1000)).toList());
            }
            long deleted = retention.enforce(T0);
            assertThat(deleted).isGreaterThan(1000);
            List<DeviceEvent> left = log.read(0, 10_000);
            assertThat(left).isNotEmpty();
            assertThat(left.get(left.size() - 1).offset()).isEqualTo(1999L);
            // what is left is a contiguous range ending at the newest event, and it fits
            assertThat(left.get(0).offset()).isEqualTo(2000L - left.size());
            assertThat(left.size() * 1000L).isLessThanOrEqualTo(limit);
        }
    }
}
