package dev.brink.edge.hub;

import dev.brink.core.id.IdentityKey;
import io.vertx.core.net.KeyCertOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The edge hub's own settings (its parts come in {@link EdgeHubParts}).
 *
 * @param edgeDeviceId      the edge device this edge hub serves
 * @param hubName           the hub's host name (IOTEDGE_IOTHUBHOSTNAME without port): the audience host of the
 *                          SAS tokens modules sign, used to check the tokens of module-to-module method calls
 * @param dataDir           {@code {edge data dir}/edgehub}: sessions.db (the other files belong to the parts)
 * @param config            {@code [edge_hub]}
 * @param serverCertificate the edge hub's TLS certificate (issued by the edge CA) for MQTT and HTTPS
 */
public record EdgeHubSettings(String edgeDeviceId, String hubName, Path dataDir, EdgeHubConfig config,
                              KeyCertOptions serverCertificate, Clock clock) {
    /** The edge hub's own module identity: its twin holds routes and store-and-forward settings. */
    public static final String MODULE_ID = "$edgeHub";

    public EdgeHubSettings {
        Objects.requireNonNull(edgeDeviceId, "edgeDeviceId");
        Objects.requireNonNull(hubName, "hubName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(serverCertificate, "serverCertificate");
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    public IdentityKey edgeHubKey() {
        return IdentityKey.module(edgeDeviceId, MODULE_ID);
    }
}
