package dev.brink.client;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.Message;
import dev.brink.core.message.TopicFilter;
import dev.brink.core.sas.ConnectionString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A module identity: everything a device does, plus outputs and (through an edge hub) inputs. Usually made with
 * {@link #fromEnvironment()} inside an edge runtime.
 */
public final class ModuleClient extends IotHubClient {
    private final Map<String, MessageHandler> inputs = new ConcurrentHashMap<>();
    private volatile MessageHandler defaultInput;

    private ModuleClient(ConnectSettings settings, SasTokenProvider tokens, ClientOptions options) {
        super(settings, tokens, options);
    }

    /**
     * @param connectionString {@code HostName=..;DeviceId=..;ModuleId=..;SharedAccessKey=..[;GatewayHostName=..]}
     */
    public static ModuleClient fromConnectionString(String connectionString, ClientOptions options) {
        ConnectionString cs = ClientFactory.parse(connectionString);
        if (cs.moduleId() == null) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "a module connection string needs ModuleId;"
                    + " use DeviceClient.fromConnectionString for a device");
        }
        return create(cs.hostName(), cs.deviceId(), cs.moduleId(), cs.gatewayHostName(),
                new KeySasTokenProvider(cs.sharedAccessKey()), options);
    }

    public static ModuleClient fromConnectionString(String connectionString) {
        return fromConnectionString(connectionString, null);
    }

    public static ModuleClient create(String hostName, String deviceId, String moduleId, String gatewayHostName,
                                      SasTokenProvider tokens, ClientOptions options) {
        ClientOptions o = options == null ? ClientOptions.defaults() : options;
        Objects.requireNonNull(moduleId, "moduleId");
        try {
            return new ModuleClient(ConnectSettings.of(hostName, deviceId, moduleId, gatewayHostName, o.port()),
                    tokens, o);
        } catch (IotHubClientException e) {
            throw e;
        } catch (BrinkException e) {
            throw new IotHubClientException(e.errorCode(), e.getMessage(), e);
        }
    }

    /** {@link #fromEnvironment(Map, ClientOptions)} with the process environment and default options. */
    public static ModuleClient fromEnvironment() {
        return fromEnvironment(System.getenv(), null);
    }

    /**
     * Creates the client an edge runtime set up for this module (reference §4):
     * <ol>
     *   <li>{@code EdgeHubConnectionString} or {@code IotHubConnectionString} when set (plus
     *       {@code EdgeModuleCACertificateFile} as the CA to trust), else</li>
     *   <li>the workload API: {@code IOTEDGE_WORKLOADURI, IOTEDGE_DEVICEID, IOTEDGE_MODULEID,
     *       IOTEDGE_IOTHUBHOSTNAME, IOTEDGE_MODULEGENERATIONID, IOTEDGE_AUTHSCHEME=sasToken}, optional
     *       {@code IOTEDGE_GATEWAYHOSTNAME} and {@code IOTEDGE_APIVERSION}. Tokens are signed by the workload
     *       API; the TLS trust is its {@code trust-bundle} unless {@code options} bring their own.</li>
     * </ol>
     *
     * @throws IotHubClientException {@code ArgumentInvalid} naming missing variables; the workload API's error
     */
    public static ModuleClient fromEnvironment(Map<String, String> env, ClientOptions options) {
        ClientOptions o = options == null ? ClientOptions.defaults() : options;
        boolean ownTrust = o.sslContext() != null || o.trustedCaPem() != null;
        String cs = firstNonBlank(env.get("EdgeHubConnectionString"), env.get("IotHubConnectionString"));
        if (cs != null) {
            String caFile = env.get("EdgeModuleCACertificateFile");
            if (caFile != null && !caFile.isBlank() && !ownTrust) {
                o = o.toBuilder().trustedCaPem(readFile(caFile)).build();
            }
            return fromConnectionString(cs, o);
        }
        List<String> missing = new ArrayList<>();
        for (String name : List.of("IOTEDGE_WORKLOADURI", "IOTEDGE_DEVICEID", "IOTEDGE_MODULEID",
                "IOTEDGE_IOTHUBHOSTNAME", "IOTEDGE_MODULEGENERATIONID", "IOTEDGE_AUTHSCHEME")) {
            if (env.get(name) == null || env.get(name).isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "not running in an edge runtime: "
                    + "EdgeHubConnectionString/IotHubConnectionString are unset and " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing");
        }
        String scheme = env.get("IOTEDGE_AUTHSCHEME");
        if (!scheme.toLowerCase(Locale.ROOT).equals("sastoken")) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "IOTEDGE_AUTHSCHEME '" + scheme
                    + "' is not supported (only sasToken)");
        }
        WorkloadClient workload = new WorkloadClient(env.get("IOTEDGE_WORKLOADURI"), env.get("IOTEDGE_APIVERSION"));
        if (!ownTrust) {
            // Like the Node SDK, always: the edge CA also signs what a module reaches without a gateway.
            o = o.toBuilder().trustedCaPem(workload.trustBundle()).build();
        }
        String moduleId = env.get("IOTEDGE_MODULEID");
        SasTokenProvider tokens = new WorkloadSasTokenProvider(workload, moduleId,
                env.get("IOTEDGE_MODULEGENERATIONID"));
        return create(env.get("IOTEDGE_IOTHUBHOSTNAME"), env.get("IOTEDGE_DEVICEID"), moduleId,
                firstNonBlank(env.get("IOTEDGE_GATEWAYHOSTNAME")), tokens, o);
    }

    public String moduleId() {
        return settings().moduleId();
    }

    /** Sends to an output ({@code $.on}); the edge hub routes it. Returns after the PUBACK. */
    public void sendOutput(String outputName, Message message) {
        await(sendOutputAsync(outputName, message));
    }

    public CompletableFuture<Void> sendOutputAsync(String outputName, Message message) {
        if (outputName == null || outputName.isBlank()) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "output name must not be empty");
        }
        Message m = prepareTelemetry(Objects.requireNonNull(message, "message")).toBuilder().outputName(outputName)
                .build();
        return publishTelemetry(m, "sendOutput(" + outputName + ")");
    }

    /** Modules always stamp {@code $.cmid} like the Java SDK. */
    @Override
    Message prepareTelemetry(Message message) {
        return message.connectionModuleId() != null ? message
                : message.toBuilder().connectionModuleId(moduleId()).build();
    }

    /**
     * Receives messages routed to input {@code inputName} ({@code devices/{d}/modules/{m}/inputs/#}).
     *
     * @throws IotHubClientException {@code InvalidOperation} without a GatewayHostName: inputs come from an edge hub
     */
    public void onInput(String inputName, MessageHandler handler) {
        requireGateway();
        inputs.put(Objects.requireNonNull(inputName, "inputName"), Objects.requireNonNull(handler, "handler"));
        subscribe(TopicFilter.moduleInputs(deviceId(), moduleId()).filter());
    }

    /** Receives input messages whose input has no handler of its own. */
    public void onDefaultInput(MessageHandler handler) {
        requireGateway();
        this.defaultInput = Objects.requireNonNull(handler, "handler");
        subscribe(TopicFilter.moduleInputs(deviceId(), moduleId()).filter());
    }

    private void requireGateway() {
        if (!settings().viaGateway()) {
            throw IotHubClientException.invalidOperation("module inputs are delivered by an edge hub: connect through"
                    + " a gateway (GatewayHostName / IOTEDGE_GATEWAYHOSTNAME)");
        }
    }

    @Override
    void handle(IotHubTopic topic, byte[] payload) throws Exception {
        if (topic instanceof IotHubTopic.ModuleInput in) {
            MessageHandler h = inputs.getOrDefault(in.inputName(), defaultInput);
            if (h == null) {
                System.getLogger(ModuleClient.class.getName()).log(System.Logger.Level.WARNING,
                        "no handler for input {0}; the message is dropped", in.inputName());
                return;
            }
            h.onMessage(in.toMessage(payload));
            return;
        }
        super.handle(topic, payload);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String readFile(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "cannot read EdgeModuleCACertificateFile "
                    + path + ": " + e.getMessage(), e);
        }
    }
}
