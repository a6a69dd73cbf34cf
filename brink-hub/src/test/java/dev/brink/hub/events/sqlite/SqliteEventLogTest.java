package dev.brink.hub.events.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.hub.events.DeviceEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Offsets are dense and acknowledged in append order, across group commits and restarts. */
@Timeout(60)
class SqliteEventLogTest {
    @TempDir
    Path dir;

    private static DeviceEvent event(int i) {
        return new DeviceEvent(null, Instant.ofEpochMilli(1_000L + i), "d" + (i % 7), null, Map.of("$.mid", "m" + i),
                Map.of("i", Integer.toString(i)), new byte[] {(byte) i});
    }

    @Test
    void futuresCompleteInAppendOrderWithDenseOffsets() throws Exception {
        Path file = dir.resolve(SqliteEventLog.FILE_NAME);
        int n = 3 * SqliteEventLog.MAX_GROUP + 17;
        try (SqliteEventLog log = SqliteEventLog.open(file)) {
            List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(log.append(event(i)).whenComplete((offset, e) -> acknowledged.add(offset)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(acknowledged).containsExactlyElementsOf(LongStream.range(0, n).boxed().toList());
            assertThat(log.nextOffset()).isEqualTo(n);
            List<DeviceEvent> read = log.read(5, 3);
            assertThat(read).extracting(DeviceEvent::offset).containsExactly(5L, 6L, 7L);
            assertThat(read.get(0).applicationProperties()).containsEntry("i", "5");
            // Rows are written many to a statement: each one still holds its own event.
            List<DeviceEvent> all = log.read(0, n);
            assertThat(all).hasSize(n);
            for (int i = 0; i < n; i++) {
                DeviceEvent e = all.get(i);
                assertThat(e.offset()).isEqualTo(i);
                assertThat(e.deviceId()).isEqualTo("d" + (i % 7));
                assertThat(e.systemProperties()).containsEntry("$.mid", "m" + i);
                assertThat(e.applicationProperties()).containsEntry("i", Integer.toString(i));
                assertThat(e.body()).containsExactly((byte) i);
                assertThat(e.enqueuedTime()).isEqualTo(Instant.ofEpochMilli(1_000L + i));
            }
        }
        try (SqliteEventLog log = SqliteEventLog.open(file)) {
            assertThat(log.nextOffset()).isEqualTo(n);
            assertThat(log.append(event(0)).get(10, TimeUnit.SECONDS)).isEqualTo(n);
        }
    }

    @Test
    void appendsAfterCloseFailWithServiceUnavailable() {
        SqliteEventLog log = SqliteEventLog.open(dir.resolve(SqliteEventLog.FILE_NAME));
        log.close();
        assertThat(log.append(event(1))).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable));
        log.close(); // idempotent
    }
}
