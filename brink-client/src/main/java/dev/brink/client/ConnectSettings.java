package dev.brink.client;

import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.Ids;
import dev.brink.core.message.UriCoding;

/**
 * What goes into CONNECT, computed once per client: the address to dial and the client id, user name and SAS
 * audience exactly as the official Java SDK forms them (reference §1.2, §1.3).
 *
 * @param hubHostName the IoT hub name (HostName without any {@code :port}); used in user name and audience
 * @param gatewayHostName GatewayHostName without {@code :port}, or null; non-null switches on edge mode
 * @param dialHost the host to connect to: the gateway when set, else the hub
 * @param port the port to connect to
 */
public record ConnectSettings(String hubHostName, String deviceId, String moduleId, String gatewayHostName,
                              String dialHost, int port) {
    /** The IoT Hub device API version the Java SDK 2.5.0 announces. */
    public static final String API_VERSION = "2020-09-30";
    public static final String CLIENT_TYPE = "brink-client/0.1";

    public ConnectSettings {
        Ids.requireValidDeviceId(deviceId);
        if (moduleId != null) {
            Ids.requireValidModuleId(moduleId);
        }
    }

    /**
     * Builds settings from connection string parts. {@code HostName} and {@code GatewayHostName} may carry a
     * {@code :port} (a Brink extension, as honoured by the Node SDK): the port is dialled, the name without it
     * is the hub name. An explicit {@code portOverride} wins over both.
     */
    public static ConnectSettings of(String hostName, String deviceId, String moduleId, String gatewayHostName,
                                     Integer portOverride) {
        HostPort hub = HostPort.parse(hostName, "HostName");
        HostPort gateway = gatewayHostName == null || gatewayHostName.isBlank() ? null
                : HostPort.parse(gatewayHostName, "GatewayHostName");
        HostPort dial = gateway != null ? gateway : hub;
        int port = portOverride != null ? portOverride
                : dial.port() != null ? dial.port() : ClientOptions.DEFAULT_PORT;
        return new ConnectSettings(hub.host(), deviceId, moduleId, gateway == null ? null : gateway.host(),
                dial.host(), port);
    }

    public boolean isModule() {
        return moduleId != null;
    }

    /** Edge mode: connected through a gateway (edge hub). Devices then get no C2D, modules get inputs. */
    public boolean viaGateway() {
        return gatewayHostName != null;
    }

    /** {@code {d}} or {@code {d}/{m}}. */
    public String clientId() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }

    /** {@code {hub}/{clientId}/?api-version=2020-09-30&DeviceClientType=brink-client%2F0.1}. */
    public String username() {
        return hubHostName + "/" + clientId() + "/?api-version=" + API_VERSION + "&DeviceClientType="
                + UriCoding.encode(CLIENT_TYPE);
    }

    /** The unencoded SAS audience {@code {hub}/devices/{d}[/modules/{m}]} — the hub name, never the gateway. */
    public String audience() {
        return hubHostName + "/devices/" + deviceId + (moduleId == null ? "" : "/modules/" + moduleId);
    }

    /** The Paho server URI, {@code ssl://host:port} (IPv6 literals in brackets). */
    public String serverUri() {
        String host = dialHost.contains(":") ? "[" + dialHost + "]" : dialHost;
        return "ssl://" + host + ":" + port;
    }

    /** A host with an optional port: {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
    record HostPort(String host, Integer port) {
        static HostPort parse(String value, String what) {
            if (value == null || value.isBlank()) {
                throw bad(what, value, "it is empty");
            }
            String v = value.trim();
            String host;
            String portText = null;
            if (v.startsWith("[")) {
                int close = v.indexOf(']');
                if (close < 0) {
                    throw bad(what, v, "unclosed '['");
                }
                host = v.substring(1, close);
                String rest = v.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw bad(what, v, "expected ':port' after ']'");
                    }
                    portText = rest.substring(1);
                }
            } else {
                int colon = v.indexOf(':');
                if (colon >= 0 && v.indexOf(':', colon + 1) >= 0) {
                    throw bad(what, v, "an IPv6 address must be written in brackets");
                }
                host = colon < 0 ? v : v.substring(0, colon);
                portText = colon < 0 ? null : v.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw bad(what, v, "the host is empty");
            }
            return new HostPort(host, portText == null ? null : parsePort(what, v, portText));
        }

        private static int parsePort(String what, String v, String text) {
            if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
                throw bad(what, v, "the port must be a number 1..65535");
            }
            return Integer.parseInt(text);
        }

        private static IotHubClientException bad(String what, String value, String why) {
            return new IotHubClientException(ErrorCode.ArgumentInvalid, "invalid " + what + " '" + value + "': " + why);
        }
    }
}
