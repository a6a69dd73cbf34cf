package dev.brink.client;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.TopicFilter;
import dev.brink.core.sas.ConnectionString;
import java.util.Objects;

/**
 * A device connected to the hub over MQTT/TLS: telemetry, C2D messages, twin, direct methods.
 *
 * <pre>{@code
 * try (DeviceClient c = DeviceClient.fromConnectionString(cs, ClientOptions.builder().trustedCaPem(pem).build())) {
 *     c.onMessage(m -> System.out.println(m.bodyAsString()));
 *     c.open();
 *     c.sendEvent(Message.of("{\"t\":21}"));
 * }
 * }</pre>
 */
public final class DeviceClient extends IotHubClient {
    private volatile MessageHandler messageHandler;

    private DeviceClient(ConnectSettings settings, SasTokenProvider tokens, ClientOptions options) {
        super(settings, tokens, options);
    }

    /**
     * @param connectionString {@code HostName=..;DeviceId=..;SharedAccessKey=..[;GatewayHostName=..]}
     * @throws IotHubClientException {@code ArgumentInvalid} for a malformed string, a module or service string
     */
    public static DeviceClient fromConnectionString(String connectionString, ClientOptions options) {
        ConnectionString cs = ClientFactory.parse(connectionString);
        if (cs.isService() || cs.deviceId() == null) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "a device connection string needs DeviceId "
                    + "and SharedAccessKey, not SharedAccessKeyName (that is a service connection string)");
        }
        if (cs.moduleId() != null) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "this connection string has a ModuleId; use "
                    + "ModuleClient.fromConnectionString");
        }
        return create(cs.hostName(), cs.deviceId(), cs.gatewayHostName(), new KeySasTokenProvider(cs.sharedAccessKey()),
                options);
    }

    public static DeviceClient fromConnectionString(String connectionString) {
        return fromConnectionString(connectionString, null);
    }

    /** A device client with any token source (e.g. a TPM or a remote signer). */
    public static DeviceClient create(String hostName, String deviceId, String gatewayHostName,
                                      SasTokenProvider tokens, ClientOptions options) {
        ClientOptions o = options == null ? ClientOptions.defaults() : options;
        try {
            return new DeviceClient(ConnectSettings.of(hostName, deviceId, null, gatewayHostName, o.port()), tokens, o);
        } catch (IotHubClientException e) {
            throw e;
        } catch (BrinkException e) {
            throw new IotHubClientException(e.errorCode(), e.getMessage(), e);
        }
    }

    /**
     * Receives cloud-to-device messages ({@code devices/{d}/messages/devicebound/#}). The message is acknowledged
     * when the handler returns.
     *
     * @throws IotHubClientException {@code InvalidOperation} when connected through a gateway: C2D is not
     *     delivered to devices behind a GatewayHostName (as with the official SDK)
     */
    public void onMessage(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (settings().viaGateway()) {
            throw IotHubClientException.invalidOperation("C2D messages are not delivered through a gateway: this "
                    + "connection string has GatewayHostName=" + settings().gatewayHostName());
        }
        this.messageHandler = handler;
        subscribe(TopicFilter.deviceBound(deviceId()).filter());
    }

    @Override
    void handle(IotHubTopic topic, byte[] payload) throws Exception {
        if (topic instanceof IotHubTopic.DeviceBound d && d.moduleId() == null) {
            MessageHandler h = messageHandler;
            if (h != null) {
                h.onMessage(d.toMessage(payload));
            }
            return;
        }
        super.handle(topic, payload);
    }
}
