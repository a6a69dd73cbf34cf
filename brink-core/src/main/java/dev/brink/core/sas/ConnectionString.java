package dev.brink.core.sas;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.Ids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An IoT Hub connection string, in device/module form
 * {@code HostName=..;DeviceId=..;[ModuleId=..;]SharedAccessKey=..[;GatewayHostName=..]} or service form
 * {@code HostName=..;SharedAccessKeyName=..;SharedAccessKey=..}. Keys are case-sensitive as in Azure; each
 * {@code key=value} part is split on its first {@code =} because base64 keys end in {@code =} padding.
 * Absent parts are null. {@link #toString()} formats it back in canonical order.
 */
public record ConnectionString(String hostName, String deviceId, String moduleId, String sharedAccessKey,
                               String sharedAccessKeyName, String gatewayHostName) {
    private static final String HOST_NAME = "HostName";
    private static final String DEVICE_ID = "DeviceId";
    private static final String MODULE_ID = "ModuleId";
    private static final String SHARED_ACCESS_KEY = "SharedAccessKey";
    private static final String SHARED_ACCESS_KEY_NAME = "SharedAccessKeyName";
    private static final String GATEWAY_HOST_NAME = "GatewayHostName";
    private static final List<String> KNOWN = List.of(HOST_NAME, DEVICE_ID, MODULE_ID, SHARED_ACCESS_KEY,
            SHARED_ACCESS_KEY_NAME, GATEWAY_HOST_NAME);

    /** Validates the combination of parts; see {@link #parse(String)} for the rules. */
    public ConnectionString {
        requireNonEmpty(HOST_NAME, hostName);
        requireNonEmpty(SHARED_ACCESS_KEY, sharedAccessKey);
        SasTokens.decodeKey(sharedAccessKey);
        if (deviceId == null && sharedAccessKeyName == null) {
            throw BrinkException.invalid("connection string needs DeviceId (device/module) or SharedAccessKeyName"
                    + " (service)");
        }
        if (deviceId != null && sharedAccessKeyName != null) {
            throw BrinkException.invalid("connection string must not have both DeviceId and SharedAccessKeyName");
        }
        if (deviceId != null) {
            Ids.requireValidDeviceId(deviceId);
        }
        if (moduleId != null) {
            if (deviceId == null) {
                throw BrinkException.invalid("connection string has ModuleId but no DeviceId");
            }
            Ids.requireValidModuleId(moduleId);
        }
        if (gatewayHostName != null) {
            requireNonEmpty(GATEWAY_HOST_NAME, gatewayHostName);
        }
    }

    public static ConnectionString forDevice(String hostName, String deviceId, String key) {
        return new ConnectionString(hostName, deviceId, null, key, null, null);
    }

    public static ConnectionString forModule(String hostName, String deviceId, String moduleId, String key) {
        return new ConnectionString(hostName, deviceId, moduleId, key, null, null);
    }

    public static ConnectionString forService(String hostName, String keyName, String key) {
        return new ConnectionString(hostName, null, null, key, keyName, null);
    }

    /** This device/module connection string with {@code GatewayHostName} set (null removes it). */
    public ConnectionString withGateway(String gatewayHostName) {
        return new ConnectionString(hostName, deviceId, moduleId, sharedAccessKey, sharedAccessKeyName,
                gatewayHostName);
    }

    /**
     * Parses a connection string. Empty parts (e.g. a trailing {@code ;}) are ignored.
     *
     * @throws BrinkException {@code ArgumentInvalid} for a missing HostName or SharedAccessKey, an unknown or
     *     repeated key, a part without {@code =}, an invalid id, or DeviceId mixed with SharedAccessKeyName
     */
    public static ConnectionString parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw BrinkException.invalid("connection string must not be empty");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : connectionString.trim().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw BrinkException.invalid("connection string part '" + keyOf(part) + "' is not Key=value");
            }
            String key = part.substring(0, eq).trim();
            if (!KNOWN.contains(key)) {
                throw BrinkException.invalid("connection string has unknown key '" + key + "' (known, case-sensitive: "
                        + String.join(", ", KNOWN) + ")");
            }
            if (parts.put(key, part.substring(eq + 1).trim()) != null) {
                throw BrinkException.invalid("connection string repeats key '" + key + "'");
            }
        }
        return new ConnectionString(parts.get(HOST_NAME), parts.get(DEVICE_ID), parts.get(MODULE_ID),
                parts.get(SHARED_ACCESS_KEY), parts.get(SHARED_ACCESS_KEY_NAME), parts.get(GATEWAY_HOST_NAME));
    }

    /** True for the service (policy) form. */
    public boolean isService() {
        return sharedAccessKeyName != null;
    }

    /** Formats back: {@code HostName;DeviceId;ModuleId;SharedAccessKeyName;SharedAccessKey;GatewayHostName}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb, HOST_NAME, hostName);
        append(sb, DEVICE_ID, deviceId);
        append(sb, MODULE_ID, moduleId);
        append(sb, SHARED_ACCESS_KEY_NAME, sharedAccessKeyName);
        append(sb, SHARED_ACCESS_KEY, sharedAccessKey);
        append(sb, GATEWAY_HOST_NAME, gatewayHostName);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String key, String value) {
        if (value != null) {
            sb.append(sb.isEmpty() ? "" : ";").append(key).append('=').append(value);
        }
    }

    private static void requireNonEmpty(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw BrinkException.invalid("connection string is missing " + key);
        }
    }

    // Never echo a whole part back: it may be the key.
    private static String keyOf(String part) {
        return part.length() <= 20 ? part : part.substring(0, 20) + "...";
    }
}
