package dev.brink.hub.store.sqlite;

import dev.brink.hub.store.RegistryRepository;
import dev.brink.hub.store.SessionRepository;
import dev.brink.hub.store.StoreTransaction;
import dev.brink.hub.store.TwinRepository;
import dev.brink.infra.sqlite.SqlSession;

/**
 * The repositories bound to one connection. Created once per connection and reused by every task that
 * runs on it, so a task costs no allocation beyond its own work. A reader's view refuses writes.
 */
final class SqliteStoreView implements StoreTransaction {
    private final SqliteRegistryRepository registry;
    private final SqliteTwinRepository twins;
    private final SqliteSessionRepository sessions;

    SqliteStoreView(SqlSession session, boolean writable) {
        this.registry = new SqliteRegistryRepository(session, writable);
        this.twins = new SqliteTwinRepository(session, writable);
        this.sessions = new SqliteSessionRepository(session, writable);
    }

    @Override
    public RegistryRepository registry() {
        return registry;
    }

    @Override
    public TwinRepository twins() {
        return twins;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    static String column(String moduleId) {
        return moduleId == null ? "" : moduleId;
    }

    static String moduleOf(String column) {
        return column.isEmpty() ? null : column;
    }

    static void requireWritable(boolean writable) {
        if (!writable) {
            throw new IllegalStateException("Store writes are only allowed inside HubStore.write tasks");
        }
    }
}
