package dev.brink.client.service;

import dev.brink.core.error.BrinkException;
import dev.brink.core.sas.ConnectionString;

/**
 * Where a hub's service API is and which shared access policy signs the requests: the parts of a service
 * connection string {@code HostName=host[:port];SharedAccessKeyName=..;SharedAccessKey=..}.
 *
 * @param host the hub host name without the port (also the SAS audience, lower-cased)
 * @param port the HTTPS port, 443 unless the HostName carries one
 */
public record ServiceEndpoint(String host, int port, String keyName, String key) {
    public static final int DEFAULT_PORT = 443;

    public ServiceEndpoint {
        if (host == null || host.isBlank()) {
            throw BrinkException.invalid("the service connection string has no HostName");
        }
        if (keyName == null || keyName.isBlank() || key == null || key.isBlank()) {
            throw BrinkException.invalid(
                    "a service connection string needs SharedAccessKeyName and SharedAccessKey (a device connection string will not do)");
        }
        if (port < 1 || port > 65535) {
            throw BrinkException.invalid("invalid port " + port + " in the service connection string");
        }
    }

    public static ServiceEndpoint parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw BrinkException.invalid("the service connection string is empty");
        }
        ConnectionString cs = ConnectionString.parse(connectionString.trim());
        String hostName = cs.hostName();
        int port = DEFAULT_PORT;
        int colon = hostName == null ? -1 : hostName.lastIndexOf(':');
        if (colon > 0 && hostName.indexOf(']') < colon) {
            String portText = hostName.substring(colon + 1);
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw BrinkException.invalid("invalid port '" + portText + "' in HostName " + hostName);
            }
            hostName = hostName.substring(0, colon);
        }
        return new ServiceEndpoint(hostName, port, cs.sharedAccessKeyName(), cs.sharedAccessKey());
    }

    /** {@code host} or {@code host:port} when the port is not 443: the HostName as a connection string holds it. */
    public String hostAndPort() {
        return port == DEFAULT_PORT ? host : host + ":" + port;
    }

    /** The policy key is a credential: never print it. */
    @Override
    public String toString() {
        return "ServiceEndpoint[" + hostAndPort() + ", policy=" + keyName + ", key=<redacted>]";
    }
}
