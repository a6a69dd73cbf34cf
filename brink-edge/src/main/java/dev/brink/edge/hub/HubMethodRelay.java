package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.edge.hub.identity.IdentityCache;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.MethodResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Direct methods the hub invokes through the upstream link: for a module or child device, relayed to its local
 * connection (it must be connected now — the hub already waited for the identity to be online upstream, and its
 * own response timeout governs, so the local one is the maximum); for {@code $edgeHub} itself,
 * {@code RefreshDeviceScopeIdentityCache} (reference §6.5) reloads the identity cache.
 */
final class HubMethodRelay implements Upstream.MethodRelay {
    static final String REFRESH_SCOPE = "RefreshDeviceScopeIdentityCache";
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(MethodRequest.MAX_TIMEOUT_S);

    private final IdentityKey edgeHub;
    private final Connections clients;
    private final IdentityCache identities;
    private final Executor blocking;

    HubMethodRelay(IdentityKey edgeHub, Connections clients, IdentityCache identities, Executor blocking) {
        this.edgeHub = edgeHub;
        this.clients = clients;
        this.identities = identities;
        this.blocking = blocking;
    }

    @Override
    public CompletableFuture<MethodResult> invoke(IdentityKey target, String methodName, JsonNode payload) {
        if (!edgeHub.equals(target)) {
            return clients.invokeMethod(target, methodName, payload, Duration.ZERO, RESPONSE_TIMEOUT);
        }
        if (REFRESH_SCOPE.equalsIgnoreCase(methodName)) {
            return CompletableFuture.runAsync(identities::refresh, blocking)
                    .thenApply(v -> new MethodResult(200, null));
        }
        return CompletableFuture.completedFuture(new MethodResult(400, Json.object().put("message",
                "unknown method " + methodName + " of $edgeHub; supported: " + REFRESH_SCOPE)));
    }
}
