package dev.brink.hub.store.sqlite;

import dev.brink.infra.sqlite.Migration;
import dev.brink.infra.sqlite.SchemaMigrations;
import java.util.List;

/**
 * The hub store's schema, as an ordered list of migration steps applied at open by
 * {@link SchemaMigrations} (recorded in the {@code schema_version} table).
 *
 * <p>To change the schema, append a step with the next version number; never edit a released step
 * (databases that already applied it would not see the change). Keep the SQL portable: plain tables,
 * indexes and standard types, so that the PostgreSQL store can mirror each step.
 */
final class HubSchema {

    static final List<Migration> STEPS = List.of(
            new Migration(1, "identities and twins", List.of(
                    // module_id is '' for the device itself, so (device_id, module_id) is a plain primary key.
                    // doc holds the identity as JSON (see IdentityJson); status is a column for counts.
                    """
                    CREATE TABLE identities (
                        device_id TEXT NOT NULL,
                        module_id TEXT NOT NULL,
                        status    TEXT NOT NULL,
                        doc       TEXT NOT NULL,
                        PRIMARY KEY (device_id, module_id))""",
                    // listDevices: module_id = '' in device_id order, without skipping over modules.
                    "CREATE INDEX identities_devices ON identities (module_id, device_id)",
                    // countDevices: a count over this small index, and a short range for the disabled ones.
                    "CREATE INDEX identities_status ON identities (module_id, status)",
                    """
                    CREATE TABLE twins (
                        device_id TEXT   NOT NULL,
                        module_id TEXT   NOT NULL,
                        version   BIGINT NOT NULL,
                        doc       TEXT   NOT NULL,
                        PRIMARY KEY (device_id, module_id))""")),
            // Device endpoint (issue 3): subscriptions of persistent MQTT sessions, by client id {d} or {d}/{m}.
            new Migration(2, "mqtt session subscriptions", List.of(
                    """
                    CREATE TABLE mqtt_subscriptions (
                        client_id    TEXT    NOT NULL,
                        topic_filter TEXT    NOT NULL,
                        qos          INTEGER NOT NULL,
                        PRIMARY KEY (client_id, topic_filter))""")));

    private HubSchema() {
    }
}
