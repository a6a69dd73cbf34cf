package dev.brink.core.sas;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.Ids;

/**
 * The audience ({@code sr}) of a SAS token, after URL-decoding: {@code host} (hub policy token),
 * {@code host/devices/{d}} or {@code host/devices/{d}/modules/{m}}.
 *
 * @param host the IoT Hub host name as written in the token (compare with {@link #hostMatches})
 * @param deviceId the device id, or null for a hub-level audience
 * @param moduleId the module id, or null for a hub or device audience
 */
public record SasAudience(String host, String deviceId, String moduleId) {

    /**
     * Parses a decoded resource such as {@link SasToken#resourceDecoded()}.
     *
     * @throws BrinkException {@code Unauthorized} when it has another shape or an invalid id
     */
    public static SasAudience parse(String decodedResource) {
        if (decodedResource == null || decodedResource.isEmpty()) {
            throw invalid("it is empty", "");
        }
        String[] parts = decodedResource.split("/", -1);
        boolean device = parts.length == 3 && parts[1].equalsIgnoreCase("devices");
        boolean module = parts.length == 5 && parts[1].equalsIgnoreCase("devices")
                && parts[3].equalsIgnoreCase("modules");
        if (parts.length != 1 && !device && !module) {
            throw invalid("expected host, host/devices/{d} or host/devices/{d}/modules/{m}", decodedResource);
        }
        if (parts[0].isEmpty()) {
            throw invalid("the host is empty", decodedResource);
        }
        String deviceId = parts.length >= 3 ? requireId(parts[2], decodedResource) : null;
        String moduleId = module ? requireId(parts[4], decodedResource) : null;
        return new SasAudience(parts[0], deviceId, moduleId);
    }

    /** Shorthand for {@code parse(token.resourceDecoded())}. */
    public static SasAudience of(SasToken token) {
        return parse(token.resourceDecoded());
    }

    /**
     * Host names are case-insensitive (the Java service SDK lower-cases them). A {@code :port} after the token's
     * host is ignored: Brink accepts {@code HostName=host:port} in connection strings, edge modules sign with
     * {@code IOTEDGE_IOTHUBHOSTNAME} (the edge's HostName as configured) and the official SDK puts it into {@code sr}
     * verbatim, while a server names itself without a port.
     */
    public boolean hostMatches(String hostName) {
        return host.equalsIgnoreCase(hostName) || withoutPort(host).equalsIgnoreCase(hostName);
    }

    /** {@code host:port} → {@code host}; an IPv6 literal keeps its brackets. */
    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') && colon > 0 ? host.substring(0, colon) : host;
    }

    public boolean isHub() {
        return deviceId == null;
    }

    public boolean isModule() {
        return moduleId != null;
    }

    private static String requireId(String id, String resource) {
        if (!Ids.isValidId(id)) {
            throw invalid("'" + id + "' is not a valid device or module id", resource);
        }
        return id;
    }

    private static BrinkException invalid(String why, String resource) {
        String shown = resource.length() <= 200 ? resource : resource.substring(0, 200) + "...";
        return BrinkException.unauthorized("invalid SAS audience '" + shown + "': " + why);
    }
}
