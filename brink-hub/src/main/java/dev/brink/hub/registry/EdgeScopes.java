package dev.brink.hub.registry;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.error.BrinkException;
import dev.brink.hub.store.StoreView;
import java.util.List;

/**
 * Parent/child scopes of nested edge (issue 5): a child lists its parent edge device's
 * {@code deviceScope} in {@code parentScopes}; a leaf device may instead send that scope as its own
 * {@code deviceScope} (the older IoT Hub API), which is read as its parent.
 */
final class EdgeScopes {
    static final String PREFIX = "ms-azure-iot-edge://";

    /** True if {@code device} is in the scope {@code edgeScope}: it is that edge device or lists it as its parent. */
    static boolean inScope(Identity device, String edgeScope) {
        return edgeScope.equals(device.deviceScope()) || device.parentScopes().contains(edgeScope);
    }

    private EdgeScopes() {
    }

    /**
     * The parent scopes to store: those of the request, or {@code current} when the request names none.
     * Each must be the scope of an existing edge device other than the device itself.
     */
    static List<String> requireParents(StoreView view, String deviceId, boolean edge, IdentityRequest req,
            List<String> current) {
        List<String> scopes = req.parentScopes();
        // An edge device's own scope echoed back by a get-then-update client is not a parent.
        if ((scopes == null || scopes.isEmpty()) && !edge && req.deviceScope() != null
                && !req.deviceScope().startsWith(PREFIX + deviceId + "-")) {
            scopes = List.of(req.deviceScope());
        }
        if (scopes == null) {
            return current;
        }
        if (scopes.size() > 1) {
            throw BrinkException.invalid("a device can have at most one parent; parentScopes has " + scopes.size());
        }
        for (String scope : scopes) {
            requireEdgeScope(view, deviceId, scope);
        }
        return List.copyOf(scopes);
    }

    private static void requireEdgeScope(StoreView view, String deviceId, String scope) {
        int dash = scope.lastIndexOf('-');
        if (!scope.startsWith(PREFIX) || dash <= PREFIX.length()) {
            throw BrinkException.invalid("'" + scope + "' is not a device scope (expected " + PREFIX
                    + "{edgeDeviceId}-{generationId})");
        }
        String parentId = scope.substring(PREFIX.length(), dash);
        if (parentId.equals(deviceId)) {
            throw BrinkException.invalid("device " + deviceId + " cannot be its own parent");
        }
        // An unknown parent is a bad request body, not a missing resource: the device being written exists or
        // is being created, so 404 would mislead the caller.
        Identity parent = view.registry().find(IdentityKey.device(parentId))
                .orElseThrow(() -> BrinkException.invalid("parent scope '" + scope + "' names edge device "
                        + parentId + ", which does not exist"));
        if (!parent.iotEdge() || !scope.equals(parent.deviceScope())) {
            throw BrinkException.invalid("'" + scope + "' is not the scope of edge device " + parentId
                    + (parent.iotEdge() ? " (it is " + parent.deviceScope() + ")" : " (not an edge device)"));
        }
    }
}
