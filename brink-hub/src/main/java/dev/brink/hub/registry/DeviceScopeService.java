package dev.brink.hub.registry;

import dev.brink.core.error.BrinkException;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.store.StoreView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The identities in an edge device's scope (reference §6.5, {@code devicesAndModulesInDeviceScope}): the edge
 * device itself and its modules, and every device whose {@code parentScopes} holds the edge's current
 * {@code deviceScope} with, for leaf children, their modules. This is what an edge hub caches to authenticate
 * its clients offline.
 *
 * <p>Paging is by device id (keyset): a page holds up to {@code deviceCount} in-scope devices plus their modules,
 * and the continuation token is the last device id the page looked at. Children are found by scanning the
 * registry in id order (the parent relation is not indexed), at most {@link #SCAN_LIMIT} devices per page, so a
 * request stays bounded in a large registry: a page may then be short, or even empty, and still carry a token.
 * Reads one snapshot per page; blocking.
 */
public final class DeviceScopeService {
    public static final int DEFAULT_DEVICE_COUNT = 100;
    public static final int MAX_DEVICE_COUNT = 1000;
    static final int SCAN_LIMIT = 10_000;
    private static final int SCAN_BATCH = 500;
    private static final String TOKEN_PREFIX = "after:";

    private final HubStore store;

    public DeviceScopeService(HubStore store) {
        this.store = store;
    }

    /** One page: in-scope devices and their modules, and the token of the next page (null on the last one). */
    public record ScopePage(List<Identity> devices, List<Identity> modules, String continuationToken) {
    }

    /**
     * @param deviceCount        devices per page (null: {@value #DEFAULT_DEVICE_COUNT}; at most
     *                           {@value #MAX_DEVICE_COUNT}, larger values are capped)
     * @param continuationToken  the previous page's token, or null for the first page
     * @throws BrinkException 404001 when the edge device does not exist, 400004 when it is not an edge device,
     *                        the count is below 1 or the token is not one this service issued
     */
    public ScopePage page(String edgeDeviceId, Integer deviceCount, String continuationToken) {
        int count = deviceCount == null ? DEFAULT_DEVICE_COUNT : Math.min(deviceCount, MAX_DEVICE_COUNT);
        if (count < 1) {
            throw BrinkException.invalid("deviceCount must be at least 1, not " + count);
        }
        String after = decodeToken(continuationToken);
        return store.read(view -> {
            Identity edge = RegistryService.requireDevice(view, edgeDeviceId);
            if (!edge.iotEdge() || edge.deviceScope() == null) {
                throw BrinkException.invalid("device " + edgeDeviceId + " is not an edge device: it has no device scope");
            }
            return scan(view, edge.deviceScope(), after, count);
        });
    }

    private static ScopePage scan(StoreView view, String scope, String after, int count) {
        List<Identity> devices = new ArrayList<>();
        List<Identity> modules = new ArrayList<>();
        String cursor = after;
        int scanned = 0;
        while (true) {
            List<Identity> batch = view.registry().listDevices(cursor, SCAN_BATCH);
            for (Identity device : batch) {
                cursor = device.key().deviceId();
                scanned++;
                if (EdgeScopes.inScope(device, scope)) {
                    devices.add(device);
                    if (isScopeOwner(device, scope) || !device.iotEdge()) {
                        // A child edge device's modules answer to its own edge hub, not to this one.
                        modules.addAll(view.registry().listModules(device.key().deviceId()));
                    }
                    if (devices.size() == count) {
                        return new ScopePage(devices, modules, token(cursor));
                    }
                }
                if (scanned >= SCAN_LIMIT) {
                    return new ScopePage(devices, modules, token(cursor));
                }
            }
            if (batch.size() < SCAN_BATCH) {
                return new ScopePage(devices, modules, null);
            }
        }
    }

    private static boolean isScopeOwner(Identity device, String scope) {
        return device.iotEdge() && scope.equals(device.deviceScope());
    }

    private static String token(String lastDeviceId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + lastDeviceId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
            if (text.startsWith(TOKEN_PREFIX) && text.length() > TOKEN_PREFIX.length()) {
                return text.substring(TOKEN_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below
        }
        throw BrinkException.invalid("continuationToken is not a token this hub issued");
    }
}
