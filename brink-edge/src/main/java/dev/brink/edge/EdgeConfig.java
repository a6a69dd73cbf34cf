package dev.brink.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.brink.core.error.BrinkException;
import dev.brink.core.sas.ConnectionString;
import dev.brink.edge.agent.RestartPolicyManager;
import dev.brink.edge.hub.EdgeHubConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The edge runtime's configuration (docs/edge-config.md), read from TOML or built for a quick start.
 *
 * @param connectionString the edge device's connection string (HostName may carry the MQTT {@code :port})
 * @param hubHost          the hub's address for HTTPS (default: HostName without port)
 * @param hubHttpsPort     default 8443, the Brink hub's default (IoT Hub itself listens on 443)
 * @param hubMqttPort      default: the port in HostName, else 8883
 * @param hubCaFile        the hub's CA certificate (PEM) to trust, or null for the JVM's trust store
 * @param runtimeType      {@code process} (default) or {@code docker}
 * @param dockerUri        the engine API, default {@code unix:///var/run/docker.sock}
 * @param gatewayHostName  the name modules and child devices dial to reach the edge hub (its certificate names
 *                         it); null = the edge hub's host. With the edge hub disabled: an external gateway's name
 *                         for IOTEDGE_GATEWAYHOSTNAME, or null (modules talk to the hub)
 * @param workloadTcpPort  optional loopback development listener of the workload API, or null
 * @param managementSocket the management API socket, default {@code <data_dir>/mgmt.sock}
 * @param edgeHub          {@code [edge_hub]}: the local endpoint for modules and child devices
 */
public record EdgeConfig(String connectionString, String hubHost, int hubHttpsPort, int hubMqttPort, Path hubCaFile,
                         Path dataDir, String runtimeType, URI dockerUri, String gatewayHostName,
                         Integer workloadTcpPort, Path managementSocket, Duration restartBaseDelay,
                         Duration restartMaxDelay, String logLevel, EdgeHubConfig edgeHub) {

    /** The Brink hub's default HTTPS port, so a hub and an edge started with defaults on one machine work. */
    public static final int DEFAULT_HTTPS_PORT = 8443;
    public static final int DEFAULT_MQTT_PORT = 8883;
    public static final Path DEFAULT_DATA_DIR = Path.of(".brink", "edge");

    public EdgeConfig {
        if (connectionString == null || connectionString.isBlank()) {
            throw BrinkException.invalid("connection_string is required");
        }
        ConnectionString cs = ConnectionString.parse(connectionString.trim());
        if (cs.deviceId() == null || cs.sharedAccessKey() == null || cs.moduleId() != null) {
            throw BrinkException.invalid("connection_string must be an edge device's connection string "
                    + "(HostName, DeviceId, SharedAccessKey)");
        }
        dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
        hubHost = hubHost == null || hubHost.isBlank() ? hostWithoutPort(cs.hostName()) : hubHost;
        hubHttpsPort = hubHttpsPort <= 0 ? DEFAULT_HTTPS_PORT : hubHttpsPort;
        hubMqttPort = hubMqttPort <= 0 ? portOf(cs.hostName(), DEFAULT_MQTT_PORT) : hubMqttPort;
        runtimeType = runtimeType == null ? "process" : runtimeType.toLowerCase(Locale.ROOT);
        if (!runtimeType.equals("process") && !runtimeType.equals("docker")) {
            throw BrinkException.invalid("runtime.type must be \"process\" or \"docker\", not \"" + runtimeType + "\"");
        }
        dockerUri = dockerUri == null ? URI.create("unix:///var/run/docker.sock") : dockerUri;
        managementSocket = managementSocket == null ? dataDir.resolve("mgmt.sock") : managementSocket;
        restartBaseDelay = restartBaseDelay == null ? RestartPolicyManager.DEFAULT_BASE : restartBaseDelay;
        restartMaxDelay = restartMaxDelay == null ? RestartPolicyManager.DEFAULT_MAX : restartMaxDelay;
        logLevel = logLevel == null ? "info" : logLevel;
        edgeHub = edgeHub == null ? EdgeHubConfig.DEFAULTS : edgeHub;
        if (edgeHub.enabled()) {
            edgeHub.gatewayHostName(gatewayHostName); // a wildcard host needs a name to dial: refuse at start
        }
    }

    /**
     * {@code IOTEDGE_GATEWAYHOSTNAME} for modules: with the edge hub enabled always set — the configured
     * {@code gateway_host_name}, else the edge hub's host (127.0.0.2 by default); with it disabled, the configured
     * name or null (modules connect to the hub itself).
     */
    public String modulesGatewayHostName() {
        return edgeHub.enabled() ? edgeHub.gatewayHostName(gatewayHostName) : gatewayHostName;
    }

    /** The edge hub's files: messages.db, twins.db, identities.db, sessions.db. */
    public Path edgeHubDataDir() {
        return dataDir.toAbsolutePath().resolve("edgehub");
    }

    /** A quick-start config: everything default except what the command line gives. */
    public static EdgeConfig of(String connectionString, Path hubCaFile, Path dataDir, String runtimeType) {
        return new EdgeConfig(connectionString, null, 0, 0, hubCaFile, dataDir, runtimeType, null, null, null, null,
                null, null, null, null);
    }

    /** The keys {@link #load} knows, per table ("" = top level); anything else is refused, naming the key. */
    static final Map<String, Set<String>> KEYS = Map.of(
            "", Set.of("connection_string", "data_dir", "log_level", "hub", "runtime", "listen", "restart", "edge_hub"),
            "hub", Set.of("host", "https_port", "mqtt_port", "ca_file"),
            "runtime", Set.of("type", "docker_uri"),
            "listen", Set.of("gateway_host_name", "workload_tcp_port", "management_socket"),
            "restart", Set.of("base_delay", "max_delay"),
            "edge_hub", Set.of("enabled", "host", "mqtt_port", "https_port", "metrics_enabled", "metrics_port"));

    /**
     * Reads {@code edge.toml}. Unknown keys (a typo would otherwise silently mean "default") and values of the
     * wrong type are refused with a message naming the key.
     */
    public static EdgeConfig load(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw BrinkException.invalid("cannot read the edge config " + file + ": " + e.getMessage());
        }
        requireKnownKeys(root, file);
        Path base = file.toAbsolutePath().getParent();
        JsonNode hub = root.path("hub");
        JsonNode runtime = root.path("runtime");
        JsonNode listen = root.path("listen");
        JsonNode restart = root.path("restart");
        JsonNode edgeHub = root.path("edge_hub");
        String dockerUri = text(runtime, "runtime.docker_uri");
        return new EdgeConfig(text(root, "connection_string"), text(hub, "hub.host"), port(hub, "hub.https_port", 1),
                port(hub, "hub.mqtt_port", 1), path(base, text(hub, "hub.ca_file")),
                path(base, text(root, "data_dir")), text(runtime, "runtime.type"), uri(dockerUri, "runtime.docker_uri"),
                text(listen, "listen.gateway_host_name"),
                listen.hasNonNull("workload_tcp_port") ? port(listen, "listen.workload_tcp_port", 0) : null,
                path(base, text(listen, "listen.management_socket")), duration(restart, "base_delay"),
                duration(restart, "max_delay"), text(root, "log_level"), edgeHub(edgeHub));
    }

    /** {@code [edge_hub]}; absent keys take the defaults, port 0 is allowed (ephemeral). */
    private static EdgeHubConfig edgeHub(JsonNode t) {
        return new EdgeHubConfig(bool(t, "edge_hub.enabled"), text(t, "edge_hub.host"),
                optionalPort(t, "edge_hub.mqtt_port"), optionalPort(t, "edge_hub.https_port"),
                bool(t, "edge_hub.metrics_enabled"), optionalPort(t, "edge_hub.metrics_port"));
    }

    private static Integer optionalPort(JsonNode node, String key) {
        return node.hasNonNull(key.substring(key.indexOf('.') + 1)) ? port(node, key, 0) : null;
    }

    private static Boolean bool(JsonNode node, String key) {
        JsonNode v = node.get(key.substring(key.indexOf('.') + 1));
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw BrinkException.invalid(key + " must be true or false, not " + v);
        }
        return v.booleanValue();
    }

    private static void requireKnownKeys(JsonNode root, Path file) {
        KEYS.forEach((table, keys) -> {
            JsonNode node = table.isEmpty() ? root : root.path(table);
            if (node.isMissingNode()) {
                return;
            }
            if (!node.isObject()) {
                throw BrinkException.invalid(table + " must be a table ([" + table + "]) in " + file);
            }
            node.fieldNames().forEachRemaining(key -> {
                if (!keys.contains(key)) {
                    String name = table.isEmpty() ? key : table + "." + key;
                    throw BrinkException.invalid("unknown key " + name + " in " + file + " (known"
                            + (table.isEmpty() ? "" : " in [" + table + "]") + ": " + new TreeSet<>(keys) + ")");
                }
            });
        });
    }

    /** 0 when absent (the default applies); {@code min}..65535 otherwise. */
    private static int port(JsonNode node, String key, int min) {
        JsonNode v = node.get(key.substring(key.indexOf('.') + 1));
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > 65535) {
            throw BrinkException.invalid(key + " must be a port number (" + min + "-65535), not " + v);
        }
        return v.asInt();
    }

    private static URI uri(String value, String key) {
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new URISyntaxException(value, "no scheme (unix:// or tcp://)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw BrinkException.invalid(key + " \"" + value + "\" is not a URI: " + e.getMessage());
        }
    }

    public ConnectionString parsedConnectionString() {
        return ConnectionString.parse(connectionString.trim());
    }

    /** {@code host:port} of the hub's HTTPS API. */
    public String hubHttpsAuthority() {
        return (hubHost.contains(":") ? "[" + hubHost + "]" : hubHost) + ":" + hubHttpsPort;
    }

    /** @param key {@code table.key} or a top-level key: named in the error when the value is not a string */
    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key.substring(key.indexOf('.') + 1));
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw BrinkException.invalid(key + " must be a string, not " + v);
        }
        return v.asText();
    }

    private static Path path(Path base, String value) {
        return value == null ? null : base.resolve(value).normalize();
    }

    /** {@code "10s"}, {@code "5m"}, {@code "1h"}, {@code "250ms"}, ISO {@code "PT10S"}, or a number of seconds. */
    static Duration duration(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return Duration.ofMillis((long) (v.asDouble() * 1000));
        }
        String s = v.asText().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw BrinkException.invalid("restart." + key + " \"" + v.asText() + "\" is not a duration (e.g. 10s, 5m)");
        }
    }

    private static String hostWithoutPort(String hostName) {
        if (hostName.startsWith("[")) {
            return hostName.substring(1, hostName.indexOf(']'));
        }
        int colon = hostName.indexOf(':');
        return colon < 0 ? hostName : hostName.substring(0, colon);
    }

    private static int portOf(String hostName, int dflt) {
        int colon = hostName.lastIndexOf(':');
        if (colon < 0 || hostName.indexOf(']') > colon) {
            return dflt;
        }
        return Integer.parseInt(hostName.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "EdgeConfig[hub=" + hubHost + ", https=" + hubHttpsPort + ", mqtt=" + hubMqttPort + ", data=" + dataDir
                + ", runtime=" + runtimeType + ", edgeHub=" + edgeHub + ", connectionString=<redacted>]";
    }
}
