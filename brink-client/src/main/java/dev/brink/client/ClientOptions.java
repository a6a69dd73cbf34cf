package dev.brink.client;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Transport options. Defaults follow the official Java SDK (keep-alive 230 s, 3600 s tokens, port 8883).
 *
 * @param sslContext TLS context to use as-is; wins over {@code trustedCaPem}; null = JVM default trust
 * @param trustedCaPem one or more PEM certificates to trust instead of the JVM defaults (e.g. the hub's CA)
 * @param port port to dial; null = the {@code host:port} in HostName/GatewayHostName, else 8883
 * @param sasTokenLifetime lifetime of each SAS token minted at connect
 * @param tokenRenewalFraction reconnect with a fresh token after this fraction of the lifetime
 * @param keepAlive MQTT keep-alive interval
 * @param connectTimeout wait for CONNACK
 * @param operationTimeout wait for PUBACK, SUBACK and twin responses
 * @param reconnectMinBackoff first reconnect delay; doubled per failed attempt, with jitter
 * @param reconnectMaxBackoff upper bound of the reconnect delay
 * @param maxInFlight QoS 1 publishes sent and not yet acknowledged, per connection (Paho's window, 1..65535);
 *     further publishes wait in the client until a PUBACK frees a slot. The default (65000) never limits a
 *     caller that bounds its own in-flight work; a smaller value bounds what one connection has outstanding
 */
public record ClientOptions(SSLContext sslContext, String trustedCaPem, Integer port, Duration sasTokenLifetime,
                            double tokenRenewalFraction, Duration keepAlive, Duration connectTimeout,
                            Duration operationTimeout, Duration reconnectMinBackoff, Duration reconnectMaxBackoff,
                            int maxInFlight) {
    public static final int DEFAULT_PORT = 8883;
    public static final int DEFAULT_MAX_IN_FLIGHT = 65_000;

    public ClientOptions {
        Objects.requireNonNull(sasTokenLifetime, "sasTokenLifetime");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(reconnectMinBackoff, "reconnectMinBackoff");
        Objects.requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (sasTokenLifetime.toSeconds() < 1) {
            throw new IllegalArgumentException("sasTokenLifetime must be at least 1 s");
        }
        if (!(tokenRenewalFraction > 0 && tokenRenewalFraction < 1)) {
            throw new IllegalArgumentException("tokenRenewalFraction must be in (0, 1): " + tokenRenewalFraction);
        }
        if (reconnectMinBackoff.isNegative() || reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= reconnectMinBackoff <= reconnectMaxBackoff");
        }
        if (maxInFlight < 1 || maxInFlight > 65535) {
            throw new IllegalArgumentException("maxInFlight must be 1..65535 (MQTT packet ids): " + maxInFlight);
        }
    }

    public static ClientOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().sslContext(sslContext).trustedCaPem(trustedCaPem).port(port)
                .sasTokenLifetime(sasTokenLifetime).tokenRenewalFraction(tokenRenewalFraction).keepAlive(keepAlive)
                .connectTimeout(connectTimeout).operationTimeout(operationTimeout)
                .reconnectBackoff(reconnectMinBackoff, reconnectMaxBackoff).maxInFlight(maxInFlight);
    }

    public static final class Builder {
        private SSLContext sslContext;
        private String trustedCaPem;
        private Integer port;
        private Duration sasTokenLifetime = Duration.ofSeconds(3600);
        private double tokenRenewalFraction = 0.85;
        private Duration keepAlive = Duration.ofSeconds(230);
        private Duration connectTimeout = Duration.ofSeconds(60);
        private Duration operationTimeout = Duration.ofSeconds(60);
        private Duration reconnectMinBackoff = Duration.ofSeconds(1);
        private Duration reconnectMaxBackoff = Duration.ofSeconds(60);
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

        private Builder() {
        }

        public Builder sslContext(SSLContext v) {
            sslContext = v;
            return this;
        }

        public Builder trustedCaPem(String v) {
            trustedCaPem = v;
            return this;
        }

        public Builder port(Integer v) {
            port = v;
            return this;
        }

        public Builder sasTokenLifetime(Duration v) {
            sasTokenLifetime = v;
            return this;
        }

        public Builder tokenRenewalFraction(double v) {
            tokenRenewalFraction = v;
            return this;
        }

        public Builder keepAlive(Duration v) {
            keepAlive = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder operationTimeout(Duration v) {
            operationTimeout = v;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            reconnectMinBackoff = min;
            reconnectMaxBackoff = max;
            return this;
        }

        public Builder maxInFlight(int v) {
            maxInFlight = v;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(sslContext, trustedCaPem, port, sasTokenLifetime, tokenRenewalFraction,
                    keepAlive, connectTimeout, operationTimeout, reconnectMinBackoff, reconnectMaxBackoff,
                    maxInFlight);
        }
    }
}
