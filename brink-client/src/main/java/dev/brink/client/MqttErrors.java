package dev.brink.client;

import dev.brink.core.error.ErrorCode;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/** Maps Paho failures to {@link IotHubClientException}s that say what to check (reference §1.3 CONNACK codes). */
final class MqttErrors {
    private MqttErrors() {
    }

    static IotHubClientException fromConnect(MqttException e, ConnectSettings s, java.time.Duration timeout) {
        String target = s.dialHost() + ":" + s.port();
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION -> new IotHubClientException(
                    ErrorCode.InvalidProtocolVersion, "connection refused by " + target
                    + ": unacceptable protocol version (MQTT 3.1.1 required)");
            case MqttException.REASON_CODE_INVALID_CLIENT_ID -> new IotHubClientException(ErrorCode.ArgumentInvalid,
                    "connection refused by " + target + ": identifier rejected (client id '" + s.clientId() + "')");
            case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> new IotHubClientException(
                    ErrorCode.ServiceUnavailable, "connection refused by " + target + ": server unavailable");
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION -> new IotHubClientException(ErrorCode.Unauthorized,
                    "connection refused: bad user name or password — check the device/module id and the key", e);
            case MqttException.REASON_CODE_NOT_AUTHORIZED -> new IotHubClientException(ErrorCode.Unauthorized,
                    "connection refused: not authorized — check the key or token expiry", e);
            case MqttException.REASON_CODE_CLIENT_TIMEOUT -> new IotHubClientException(ErrorCode.GatewayTimeout,
                    "no CONNACK from " + target + " within " + timeout.toSeconds() + " s", e);
            default -> fromTransport("cannot connect to " + target, e);
        };
    }

    /** A failure below MQTT: TLS (not retryable — a trust problem does not heal) or the network (retryable). */
    static IotHubClientException fromTransport(String what, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof CertificateException) {
                return new IotHubClientException(ErrorCode.ServiceUnavailable, 503, what + ": TLS handshake failed ("
                        + c.getMessage() + ") — trust the server's CA with ClientOptions.trustedCaPem or sslContext,"
                        + " and dial a host name its certificate covers", false, e);
            }
            if (c instanceof UnknownHostException) {
                return new IotHubClientException(ErrorCode.ServiceUnavailable, what + ": unknown host "
                        + c.getMessage(), e);
            }
            if (c instanceof ConnectException) {
                return new IotHubClientException(ErrorCode.ServiceUnavailable, what + ": " + c.getMessage(), e);
            }
        }
        return new IotHubClientException(ErrorCode.ServiceUnavailable, what + ": " + describe(e), e);
    }

    static IotHubClientException connectionLost(Throwable cause) {
        return new IotHubClientException(ErrorCode.ServiceUnavailable, "connection lost: " + describe(cause), cause);
    }

    static IotHubClientException subscribeFailed(String filter, Throwable cause) {
        return new IotHubClientException(ErrorCode.ServiceUnavailable, "SUBSCRIBE " + filter + " failed: "
                + describe(cause), cause);
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown reason";
        }
        String own = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        Throwable cause = t.getCause();
        return cause == null || cause == t ? own : own + " (" + describe(cause) + ")";
    }
}
