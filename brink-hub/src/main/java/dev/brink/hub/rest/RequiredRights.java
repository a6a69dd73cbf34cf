package dev.brink.hub.rest;

import dev.brink.hub.security.AccessRight;
import io.vertx.core.http.HttpMethod;
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
}
