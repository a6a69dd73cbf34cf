package dev.brink.edge.hub;

import dev.brink.client.ClientOptions;
import dev.brink.core.route.StoreAndForwardSettings;
import dev.brink.edge.hub.delivery.EndpointPumps;
import dev.brink.edge.hub.delivery.ModuleInputDeliveries;
import dev.brink.edge.hub.identity.ScopeClient;
import dev.brink.edge.hub.identity.ScopeIdentityCache;
import dev.brink.edge.hub.routing.MessageRouter;
import dev.brink.edge.hub.store.SqliteMessageStore;
import dev.brink.edge.hub.twin.DurableTwinCache;
import dev.brink.edge.hub.upstream.HubUpstream;
import dev.brink.edge.hub.upstream.UpstreamSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Opens the edge hub's parts on their files under {@code {data}/edgehub/} in dependency order: message store, scope
 * cache (its first refresh needs the hub, but an earlier sync on disk is enough offline), upstream link (children
 * sign with keys from the scope cache), twin cache (talks to the hub through the upstream link), pumps and module
 * input deliveries over the store. If one fails to open, those opened before it are closed again.
 */
public final class EdgeHubAssembly {

    /** What the parts need to know about this edge device and its hub. */
    public record HubAccess(String hubName, String httpsAuthority, String hubCaPem, String deviceId, String deviceKey,
                            ClientOptions mqttOptions) {
        @Override
        public String toString() {
            return "HubAccess[" + hubName + ", " + httpsAuthority + ", " + deviceId + "]";
        }
    }

    private EdgeHubAssembly() {
    }

    public static EdgeHubParts open(Path dir, HubAccess hub, DesiredSink desiredSink, Clock clock) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            SqliteMessageStore store = SqliteMessageStore.open(dir.resolve(SqliteMessageStore.FILE_NAME),
                    StoreAndForwardSettings.DEFAULTS, clock); // the $edgeHub desired settings replace these
            opened.push(store);
            ScopeIdentityCache scope = ScopeIdentityCache.open(dir.resolve("identities.db"), ScopeClient.create(
                    hub.hubName(), hub.httpsAuthority(), hub.deviceId(), hub.deviceKey(), hub.hubCaPem(), clock), clock);
            opened.push(scope);
            HubUpstream upstream = HubUpstream.start(new UpstreamSettings(hub.hubName(), hub.deviceId(),
                    hub.deviceKey(), hub.mqttOptions()), scope::primaryKey);
            opened.push(upstream);
            DurableTwinCache twins = DurableTwinCache.open(dir.resolve(DurableTwinCache.FILE_NAME), upstream,
                    desiredSink, clock);
            opened.push(twins);
            EndpointPumps pumps = new EndpointPumps(store);
            return new EdgeHubParts(store, pumps, new ModuleInputDeliveries(hub.deviceId(), store), upstream, scope,
                    twins, new MessageRouter(), desiredSink);
        } catch (RuntimeException e) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
