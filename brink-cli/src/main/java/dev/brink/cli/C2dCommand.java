package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.CloudToDeviceMessage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub c2d send}: cloud-to-device messages. */
@Command(name = "c2d", mixinStandardHelpOptions = true, description = "Send cloud-to-device messages.")
final class C2dCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a c2d command is required");
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Queue a message for a device; it is delivered when the device is connected and subscribed.")
    int send(@Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Parameters(index = "1", paramLabel = "BODY", description = "The message body (text).") String body,
            @Option(names = {"-p", "--property"}, paramLabel = "K=V",
                    description = "An application property (repeatable).") Map<String, String> properties,
            @Option(names = "--message-id", paramLabel = "ID", description = "Message id (default: a new UUID).")
            String messageId,
            @Option(names = "--correlation-id", paramLabel = "ID", description = "Correlation id.") String correlationId,
            @Option(names = "--content-type", paramLabel = "TYPE", description = "Content type, e.g. application/json.")
            String contentType,
            @Option(names = "--ttl", paramLabel = "S", description = "Time to live in seconds (default 3600, max 172800).")
            Long ttl,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        Map<String, String> props = properties == null ? Map.of() : new LinkedHashMap<>(properties);
        CloudToDeviceMessage message = new CloudToDeviceMessage(body.getBytes(StandardCharsets.UTF_8), messageId,
                correlationId, null, contentType, null, ttl == null ? null : Duration.ofSeconds(ttl), null, props);
        JsonNode sent = hub.connect().sendCloudToDevice(deviceId, message);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, sent);
        } else {
            out.println("Queued message " + sent.path("messageId").asText() + " for " + deviceId + " (expires "
                    + sent.path("expiryTimeUtc").asText() + ")");
            out.flush();
        }
        return 0;
    }
}
