package dev.brink.hub.store.sqlite;

import static dev.brink.hub.store.sqlite.SqliteStoreView.column;

import dev.brink.core.twin.TwinDocument;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.TwinRepository;
import dev.brink.infra.sqlite.SqlSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Twin documents in the {@code twins} table, stored as {@link TwinDocument#toStorageJson()}. */
final class SqliteTwinRepository implements TwinRepository {
    /** Rows per scan batch: bounds memory however many twins there are. */
    static final int SCAN_BATCH = 1000;

    private static final String FIND = "SELECT doc FROM twins WHERE device_id = ? AND module_id = ?";
    private static final String UPSERT = "INSERT INTO twins (device_id, module_id, version, doc) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (device_id, module_id) DO UPDATE SET version = excluded.version, doc = excluded.doc";
    private static final String DELETE_ONE = "DELETE FROM twins WHERE device_id = ? AND module_id = ?";
    private static final String DELETE_DEVICE = "DELETE FROM twins WHERE device_id = ?";
    // A LEFT JOIN so that an identity whose twin row is missing still shows up (with an empty twin).
    private static final String SCAN_SELECT = "SELECT i.device_id, i.module_id, i.doc, t.doc FROM identities i"
            + " LEFT JOIN twins t ON t.device_id = i.device_id AND t.module_id = i.module_id";
    private static final String SCAN_DEVICES = SCAN_SELECT
            + " WHERE i.module_id = '' AND i.device_id > ? ORDER BY i.device_id LIMIT ?";
    private static final String SCAN_MODULES = SCAN_SELECT
            + " WHERE i.module_id <> '' AND (i.device_id, i.module_id) > (?, ?) ORDER BY i.device_id, i.module_id LIMIT ?";

    private final SqlSession session;
    private final boolean writable;

    SqliteTwinRepository(SqlSession session, boolean writable) {
        this.session = session;
        this.writable = writable;
    }

    @Override
    public Optional<TwinDocument> find(IdentityKey key) {
        try {
            PreparedStatement ps = session.prepare(FIND);
            ps.setString(1, key.deviceId());
            ps.setString(2, column(key.moduleId()));
            String doc;
            try (ResultSet rs = ps.executeQuery()) {
                doc = rs.next() ? rs.getString(1) : null;
            }
            return doc == null ? Optional.empty() : Optional.of(TwinDocument.fromStorageJson(doc));
        } catch (SQLException e) {
            throw SqlSession.failure("find twin", e);
        }
    }

    @Override
    public void put(IdentityKey key, TwinDocument twin) {
        SqliteStoreView.requireWritable(writable);
        String doc = twin.toStorageJson();
        try {
            PreparedStatement ps = session.prepare(UPSERT);
            ps.setString(1, key.deviceId());
            ps.setString(2, column(key.moduleId()));
            ps.setLong(3, twin.version());
            ps.setString(4, doc);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("put twin", e);
        }
    }

    @Override
    public void delete(IdentityKey key) {
        SqliteStoreView.requireWritable(writable);
        try {
            PreparedStatement ps = session.prepare(key.isModule() ? DELETE_ONE : DELETE_DEVICE);
            ps.setString(1, key.deviceId());
            if (key.isModule()) {
                ps.setString(2, key.moduleId());
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlSession.failure("delete twin", e);
        }
    }

    @Override
    public void scan(boolean modules, IdentityKey after, TwinVisitor visitor) {
        // Keyset pagination: each batch is read fully and its statement reset before the visitor runs,
        // so the visitor may itself use the store (even write, inside a write task) while scanning.
        String afterDevice = after == null ? "" : after.deviceId();
        String afterModule = after == null ? "" : column(after.moduleId());
        while (true) {
            List<Row> batch = fetch(modules, afterDevice, afterModule);
            for (Row row : batch) {
                IdentityKey key = SqliteRegistryRepository.keyOf(row.deviceId, row.moduleId);
                TwinDocument twin = row.twinDoc == null ? TwinDocument.empty() : TwinDocument.fromStorageJson(row.twinDoc);
                if (!visitor.visit(IdentityJson.fromJson(key, row.identityDoc), twin)) {
                    return;
                }
            }
            if (batch.size() < SCAN_BATCH) {
                return;
            }
            Row last = batch.get(batch.size() - 1);
            afterDevice = last.deviceId;
            afterModule = last.moduleId;
        }
    }

    private List<Row> fetch(boolean modules, String afterDevice, String afterModule) {
        try {
            PreparedStatement ps = session.prepare(modules ? SCAN_MODULES : SCAN_DEVICES);
            int i = 1;
            ps.setString(i++, afterDevice);
            if (modules) {
                ps.setString(i++, afterModule);
            }
            ps.setInt(i, SCAN_BATCH);
            List<Row> batch = new ArrayList<>(SCAN_BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batch.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return batch;
        } catch (SQLException e) {
            throw SqlSession.failure("scan twins", e);
        }
    }

    private record Row(String deviceId, String moduleId, String identityDoc, String twinDoc) {
    }
}
