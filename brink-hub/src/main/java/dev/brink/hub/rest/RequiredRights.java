package dev.brink.hub.rest;

import dev.brink.hub.security.AccessRight;
import dev.brink.core.error.BrinkException;
import dev.brink.core.id.IdentityKey;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which policy rights a service request needs, decided from method and path in one place, so resource
 * handlers never check rights themselves. A request is allowed when the policy holds ANY of the returned
 * rights. The split follows Azure's documentation of the built-in policies: the {@code service} policy
 * (ServiceConnect only) can read and update twins, run queries and invoke methods; registry writes need
 * RegistryWrite; other reads need RegistryRead.
 */
final class RequiredRights {
    private static final Set<AccessRight> READ = EnumSet.of(AccessRight.RegistryRead);
    private static final Set<AccessRight> WRITE = EnumSet.of(AccessRight.RegistryWrite);
    private static final Set<AccessRight> SERVICE = EnumSet.of(AccessRight.ServiceConnect);
    private static final Set<AccessRight> READ_OR_SERVICE = EnumSet.of(AccessRight.RegistryRead,
            AccessRight.ServiceConnect);

    private RequiredRights() {
    }

    static Set<AccessRight> forRequest(HttpMethod method, String path) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (path.startsWith("/twins/") || path.equals("/twins")) {
            // twin reads: registry readers or services; twin writes and direct methods: services only
            return read ? READ_OR_SERVICE : SERVICE;
        }
        if (path.equals("/devices/query")) {
            return READ_OR_SERVICE;
        }
        if (path.startsWith("/messages/") || path.startsWith("/jobs/")) {
            return SERVICE;
        }
        if (path.startsWith("/devices/") && path.contains("/messages/")) {
            return SERVICE; // cloud-to-device messages
        }
        return read ? READ : WRITE;
    }

    /** The last segment of the device scope API: {@code /devices/{edge}/modules/$edgeHub/devicesAndModulesInDeviceScope}. */
    static final String SCOPE_SEGMENT = "devicesAndModulesInDeviceScope";

    /**
     * What an edge device authenticated with its own key ({@code ServiceAuthenticator#authenticateEdgeDevice})
     * may do: list its modules ({@code GET /devices/{self}/modules}), get, create, update and delete its
     * own non-system modules ({@code /devices/{self}/modules/{m}}, {@code m} not starting with '$'; the system
     * modules may only be read), and read its device scope ({@code GET /devices/{self}/modules/$edgeHub/}
     * {@value #SCOPE_SEGMENT}). Its {@code $edgeHub} or {@code $edgeAgent} module (caller is that module) may
     * only read the scope. Nothing else — no other device, no twins, no queries.
     *
     * @throws BrinkException {@code Unauthorized} saying what was refused
     */
    static void requireEdgeDeviceScope(IdentityKey caller, HttpMethod method, String path) {
        String edgeDeviceId = caller.deviceId();
        String[] seg = path.split("/", -1);
        boolean modulesOfSelf = seg.length >= 4 && seg[0].isEmpty() && seg[1].equals("devices")
                && decode(seg[2]).equals(edgeDeviceId) && seg[3].equals("modules");
        boolean scopeOfSelf = modulesOfSelf && seg.length == 6 && decode(seg[4]).equals("$edgeHub")
                && seg[5].equals(SCOPE_SEGMENT) && method == HttpMethod.GET;
        boolean ok = scopeOfSelf;
        if (caller.isModule()) {
            if (!ok) {
                throw BrinkException.unauthorized("module " + caller + " may only read its device scope (GET /devices/"
                        + edgeDeviceId + "/modules/$edgeHub/" + SCOPE_SEGMENT + "); refused " + method + " " + path);
            }
            return;
        }
        if (modulesOfSelf && seg.length == 4) {
            ok = method == HttpMethod.GET;
        } else if (modulesOfSelf && seg.length == 5 && !seg[4].isEmpty()) {
            boolean system = decode(seg[4]).startsWith("$");
            ok = method == HttpMethod.GET || (!system && (method == HttpMethod.PUT || method == HttpMethod.DELETE));
        }
        if (!ok) {
            throw BrinkException.unauthorized("edge device " + edgeDeviceId + " may only manage its own modules' "
                    + "identities (GET /devices/" + edgeDeviceId + "/modules, GET|PUT|DELETE /devices/" + edgeDeviceId
                    + "/modules/{moduleId}) and read its device scope; refused " + method + " " + path);
        }
    }

    private static String decode(String segment) {
        // Vert.x never turns '+' into a space in paths; keep it a plus here too
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
