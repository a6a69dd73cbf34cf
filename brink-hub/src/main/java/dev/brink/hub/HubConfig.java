package dev.brink.hub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a hub needs to start. Built with {@link #builder()}; every field has a default.
 *
 * @param dataDir where the database, certificates, policies and connection string live
 * @param host the address the HTTPS (and later MQTT) listeners bind to
 * @param hubHostName the HostName in connection strings and the host part of SAS audiences
 * @param httpsPort the service REST port; 0 picks an ephemeral port (tests)
 * @param mqttPort the device endpoint port (used by the MQTT endpoint)
 * @param sanDnsNames extra DNS names for the server certificate
 * @param sanIpAddresses extra IP addresses for the server certificate
 * @param eventsRetention how long device-to-cloud events are kept (default 7 days)
 * @param eventsMaxBytes how much space the events log may use before its oldest events are deleted (default 1 GiB)
 */
public record HubConfig(
        Path dataDir,
        String host,
        String hubHostName,
        int httpsPort,
        int mqttPort,
        List<String> sanDnsNames,
        List<String> sanIpAddresses,
        java.time.Duration eventsRetention,
        long eventsMaxBytes) {

    public static final java.time.Duration DEFAULT_EVENTS_RETENTION = java.time.Duration.ofDays(7);
    public static final long DEFAULT_EVENTS_MAX_BYTES = 1L << 30;
    public static final Path DEFAULT_DATA_DIR = Path.of(".brink", "hub");
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTPS_PORT = 8443;
    public static final int DEFAULT_MQTT_PORT = 8883;

    public HubConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        if (hubHostName == null || hubHostName.isBlank()) {
            hubHostName = host;
        }
        requirePort(httpsPort, "httpsPort");
        requirePort(mqttPort, "mqttPort");
        sanDnsNames = List.copyOf(sanDnsNames == null ? List.of() : sanDnsNames);
        sanIpAddresses = List.copyOf(sanIpAddresses == null ? List.of() : sanIpAddresses);
        eventsRetention = eventsRetention == null ? DEFAULT_EVENTS_RETENTION : eventsRetention;
        if (eventsRetention.isNegative() || eventsRetention.isZero()) {
            throw new IllegalArgumentException("eventsRetention must be positive, got " + eventsRetention);
        }
        if (eventsMaxBytes <= 0) {
            throw new IllegalArgumentException("eventsMaxBytes must be positive, got " + eventsMaxBytes);
        }
    }

    /** The configuration without the events-log limits (defaults), as before they existed. */
    public HubConfig(Path dataDir, String host, String hubHostName, int httpsPort, int mqttPort,
            List<String> sanDnsNames, List<String> sanIpAddresses) {
        this(dataDir, host, hubHostName, httpsPort, mqttPort, sanDnsNames, sanIpAddresses, DEFAULT_EVENTS_RETENTION,
                DEFAULT_EVENTS_MAX_BYTES);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().dataDir(dataDir).host(host).hubHostName(hubHostName).httpsPort(httpsPort)
                .mqttPort(mqttPort).sanDnsNames(sanDnsNames).sanIpAddresses(sanIpAddresses)
                .eventsRetention(eventsRetention).eventsMaxBytes(eventsMaxBytes);
    }

    /**
     * The DNS names the server certificate must carry: localhost, the hub host name and the bind host when
     * they are names (not IP literals), plus the configured extras. Sorted for a stable comparison.
     */
    public Set<String> certificateDnsNames() {
        Set<String> names = new java.util.TreeSet<>();
        names.add("localhost");
        for (String candidate : List.of(hubHostName, host)) {
            if (!isIpLiteral(candidate) && !isWildcardAddress(candidate)) {
                names.add(candidate.toLowerCase(java.util.Locale.ROOT));
            }
        }
        sanDnsNames.forEach(n -> names.add(n.toLowerCase(java.util.Locale.ROOT)));
        return names;
    }

    /** The IP addresses the server certificate must carry: 127.0.0.1 and ::1, IP-literal host names, extras. */
    public Set<String> certificateIpAddresses() {
        Set<String> ips = new java.util.TreeSet<>();
        ips.add("127.0.0.1");
        ips.add("::1");
        for (String candidate : List.of(hubHostName, host)) {
            if (isIpLiteral(candidate) && !isWildcardAddress(candidate)) {
                ips.add(candidate);
            }
        }
        ips.addAll(sanIpAddresses);
        return ips;
    }

    static boolean isIpLiteral(String s) {
        return org.bouncycastle.util.IPAddress.isValid(s);
    }

    private static boolean isWildcardAddress(String s) {
        return s.equals("0.0.0.0") || s.equals("::") || s.equals("[::]");
    }

    private static void requirePort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
        }
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private Path dataDir = DEFAULT_DATA_DIR;
        private String host = DEFAULT_HOST;
        private String hubHostName;
        private int httpsPort = DEFAULT_HTTPS_PORT;
        private int mqttPort = DEFAULT_MQTT_PORT;
        private final Set<String> sanDnsNames = new LinkedHashSet<>();
        private final Set<String> sanIpAddresses = new LinkedHashSet<>();
        private java.time.Duration eventsRetention = DEFAULT_EVENTS_RETENTION;
        private long eventsMaxBytes = DEFAULT_EVENTS_MAX_BYTES;

        private Builder() {
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Null or blank means "same as the bind host". */
        public Builder hubHostName(String hubHostName) {
            this.hubHostName = hubHostName;
            return this;
        }

        public Builder httpsPort(int httpsPort) {
            this.httpsPort = httpsPort;
            return this;
        }

        public Builder mqttPort(int mqttPort) {
            this.mqttPort = mqttPort;
            return this;
        }

        public Builder addSanDnsName(String name) {
            sanDnsNames.add(name);
            return this;
        }

        public Builder addSanIpAddress(String ip) {
            sanIpAddresses.add(ip);
            return this;
        }

        public Builder sanDnsNames(List<String> names) {
            sanDnsNames.clear();
            sanDnsNames.addAll(names);
            return this;
        }

        public Builder sanIpAddresses(List<String> ips) {
            sanIpAddresses.clear();
            sanIpAddresses.addAll(ips);
            return this;
        }

        /** How long device-to-cloud events are kept. */
        public Builder eventsRetention(java.time.Duration retention) {
            this.eventsRetention = retention;
            return this;
        }

        /** The space the events log may use before its oldest events are deleted. */
        public Builder eventsMaxBytes(long maxBytes) {
            this.eventsMaxBytes = maxBytes;
            return this;
        }

        public HubConfig build() {
            return new HubConfig(dataDir, host, hubHostName, httpsPort, mqttPort,
                    new ArrayList<>(sanDnsNames), new ArrayList<>(sanIpAddresses), eventsRetention, eventsMaxBytes);
        }
    }
}
