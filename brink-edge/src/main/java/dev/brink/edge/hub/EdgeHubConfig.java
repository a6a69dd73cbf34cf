package dev.brink.edge.hub;

import dev.brink.core.error.BrinkException;
import dev.brink.infra.pki.SubjectAltNames;

/**
 * {@code [edge_hub]} of {@code edge.toml} (docs/edge-config.md, docs/edge-hub.md). Ports 0 = ephemeral (tests).
 *
 * @param enabled        run the edge hub (default true); when false modules talk to the hub directly
 * @param host           the address every edge hub listener binds (default {@value #DEFAULT_HOST}: a second
 *                       loopback address, so a hub on 127.0.0.1:8883 and the edge hub on 127.0.0.2:8883 coexist)
 * @param mqttPort       MQTT over TLS (default 8883: the official SDKs always dial 8883 at the gateway)
 * @param httpsPort      HTTPS: MQTT over WebSocket and module-to-module direct methods (default 8443)
 * @param metricsEnabled serve Prometheus metrics (default true)
 * @param metricsPort    plain HTTP {@code /metrics} on {@code host} (default 9600, as IoT Edge)
 */
public record EdgeHubConfig(boolean enabled, String host, int mqttPort, int httpsPort, boolean metricsEnabled,
                            int metricsPort) {
    public static final String DEFAULT_HOST = "127.0.0.2";
    public static final int DEFAULT_MQTT_PORT = 8883;
    public static final int DEFAULT_HTTPS_PORT = 8443;
    public static final int DEFAULT_METRICS_PORT = 9600;
    public static final EdgeHubConfig DEFAULTS = new EdgeHubConfig(true, null, null, null, true, null);

    public EdgeHubConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        for (int port : new int[] {mqttPort, httpsPort, metricsPort}) {
            if (port < 0 || port > 65535) {
                throw BrinkException.invalid("edge_hub ports must be 0-65535, not " + port);
            }
        }
    }

    /** Nulls take the defaults (how {@code edge.toml} without a key is read). */
    public EdgeHubConfig(Boolean enabled, String host, Integer mqttPort, Integer httpsPort, Boolean metricsEnabled,
                         Integer metricsPort) {
        this(enabled == null || enabled, host, mqttPort == null ? DEFAULT_MQTT_PORT : mqttPort,
                httpsPort == null ? DEFAULT_HTTPS_PORT : httpsPort, metricsEnabled == null || metricsEnabled,
                metricsPort == null ? DEFAULT_METRICS_PORT : metricsPort);
    }

    /** True for 0.0.0.0 / :: — listen everywhere, but no client can dial that address. */
    public boolean hostIsWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /**
     * {@code IOTEDGE_GATEWAYHOSTNAME} for modules: the configured {@code [listen] gateway_host_name} when there is
     * one (the name clients dial; it must resolve to an address this host listens on), else {@link #host}.
     *
     * @throws BrinkException when the host is a wildcard and no gateway host name says what to dial
     */
    public String gatewayHostName(String configuredGatewayHostName) {
        if (configuredGatewayHostName != null && !configuredGatewayHostName.isBlank()) {
            return configuredGatewayHostName.trim();
        }
        if (hostIsWildcard()) {
            throw BrinkException.invalid("edge_hub.host " + host + " listens on every address but cannot be dialled:"
                    + " set listen.gateway_host_name to the name modules and child devices use");
        }
        return host;
    }

    /** The host as an IP SAN candidate (false for a DNS name). */
    public boolean hostIsIp() {
        return SubjectAltNames.isIpAddress(host);
    }
}
