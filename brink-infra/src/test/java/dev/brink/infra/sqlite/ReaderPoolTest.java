package dev.brink.infra.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReaderPoolTest {
    @TempDir
    Path dir;
    GroupCommitWriter<Kv> writer;
    ReaderPool<Kv> readers;

    @BeforeEach
    void open() throws Exception {
        String url = ConnectionSettings.url(dir.resolve("test.db"));
        SqlSession session = ConnectionSettings.TUNED.openWriter(url);
        SchemaMigrations.migrate(session, Kv.SCHEMA);
        writer = new GroupCommitWriter<>(session, new Kv(session), new WriterOptions("pool-test", 100, "closed", "x"));
        readers = new ReaderPool<>(url, ConnectionSettings.TUNED, 2, Kv::new, "The pool is closed");
    }

    @AfterEach
    void close() {
        writer.close();
        readers.close();
        writer.closeSession();
    }

    private void put(String key, long value) {
        writer.submit(tx -> {
            tx.put(key, value);
            return null;
        }).join();
    }

    @Test
    void aReadSeesOneSnapshot() {
        put("a", 1);
        long[] counts = readers.read(kv -> {
            long before = kv.count();
            put("b", 2); // committed while the read transaction is open
            return new long[] {before, kv.count()};
        });
        assertThat(counts).containsExactly(1, 1);
        assertThat(readers.read(Kv::count)).isEqualTo(2);
    }

    @Test
    void aTaskExceptionPassesThroughAndTheConnectionIsReused() {
        BrinkException notFound = new BrinkException(ErrorCode.DeviceNotFound, "nope");
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> readers.read(kv -> {
                kv.count();
                throw notFound;
            })).isSameAs(notFound);
        }
        assertThat(readers.read(Kv::count)).isZero();
    }

    @Test
    void readConnectionsAreReadOnly() {
        assertThatThrownBy(() -> readers.read(kv -> {
            kv.put("x", 1);
            return null;
        })).isInstanceOfSatisfying(BrinkException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ServerError));
    }

    @Test
    void readsAfterCloseFailWithServiceUnavailable() {
        readers.close();
        assertThatThrownBy(() -> readers.read(Kv::count)).isInstanceOfSatisfying(BrinkException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable);
            assertThat(e.getMessage()).isEqualTo("The pool is closed");
        });
    }
}
