package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.DeviceClient;
import dev.brink.client.MethodResponse;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brink device simulate DEVICE}: a simulated device on brink-client's {@link DeviceClient}. It sends
 * telemetry {@code {"temperature","humidity","ts"}} at {@code --rate}, prints the desired-property patches it
 * receives and reports them back, answers the {@code ping} direct method and prints C2D messages.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a simulated device: telemetry, desired properties echoed as reported, a 'ping' method, "
                + "C2D messages printed. Ctrl-C to stop.")
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.")
    String deviceId;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1",
            description = "Telemetry messages per second (default: ${DEFAULT-VALUE}; 0 sends none).")
    double rate;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N telemetry messages.")
    Long count;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds.")
    Long duration;

    @Option(names = "--connection-string", paramLabel = "CS",
            description = "The device connection string (default: read the device's key from the hub).")
    String connectionString;

    @Option(names = "--mqtt-port", paramLabel = "PORT",
            description = "The hub's MQTT port when the connection string has none (default: 8883).")
    Integer mqttPort;

    @Mixin
    HubOptions hub;

    @Override
    public Integer call() throws InterruptedException {
        if (rate < 0 || count != null && count < 0 || duration != null && duration < 1) {
            throw new UsageException("--rate and --count must not be negative, --duration must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        String cs = connectionString != null ? connectionString : deviceConnectionString();
        ClientOptions.Builder options = ClientOptions.builder().port(mqttPort);
        String ca = caPem();
        if (ca != null) {
            options.trustedCaPem(ca);
        }
        try (DeviceClient client = DeviceClient.fromConnectionString(cs, options.build())) {
            install(client, out);
            client.open();
            say(out, "connected as " + deviceId);
            run(client, out);
        }
        return 0;
    }

    private void install(DeviceClient client, PrintWriter out) {
        client.onConnectionStateChange((state, reason) -> say(out, "connection " + state.name().toLowerCase(Locale.ROOT)
                + (reason == null ? "" : ": " + reason.getMessage())));
        client.onMessage(m -> say(out, "c2d message " + m.messageId() + " " + m.properties() + " " + m.bodyAsString()));
        client.onDesiredPropertiesUpdate((patch, version) -> {
            say(out, "desired v" + version + " " + Json.write(patch));
            ObjectNode reported = patch.deepCopy();
            reported.remove("$version");
            long reportedVersion = client.updateReportedProperties(reported);
            say(out, "reported v" + reportedVersion + " " + Json.write(reported));
        });
        client.onMethod("ping", request -> {
            say(out, "method ping " + new String(request.payload(), java.nio.charset.StandardCharsets.UTF_8));
            ObjectNode answer = Json.object().put("pong", Instant.now().toString());
            answer.set("payload", request.payloadJson());
            return MethodResponse.ok(answer);
        });
    }

    private void run(DeviceClient client, PrintWriter out) throws InterruptedException {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
        long intervalNanos = rate == 0 ? Long.MAX_VALUE : (long) (1_000_000_000L / rate);
        long next = System.nanoTime();
        long sent = 0;
        while (System.nanoTime() < deadline && (count == null || sent < count)) {
            long now = System.nanoTime();
            if (rate > 0 && now >= next) {
                ObjectNode body = Json.object()
                        .put("temperature", round(20 + ThreadLocalRandom.current().nextDouble(10)))
                        .put("humidity", round(40 + ThreadLocalRandom.current().nextDouble(30)))
                        .put("ts", Instant.now().toString());
                client.sendEvent(Message.builder().body(Json.write(body)).contentType("application/json")
                        .contentEncoding("utf-8").build());
                sent++;
                say(out, "sent #" + sent + " " + Json.write(body));
                next += intervalNanos;
            }
            long sleepNanos = Math.min(Math.max(0, next - System.nanoTime()), Math.max(0, deadline - System.nanoTime()));
            Thread.sleep(Math.max(1, Math.min(sleepNanos / 1_000_000, 200)));
        }
        say(out, "done: " + sent + " telemetry message(s) sent");
    }

    private String deviceConnectionString() {
        HubServiceClient service = hub.connect();
        JsonNode device = service.getDevice(deviceId);
        String key = device.path("authentication").path("symmetricKey").path("primaryKey").asText(null);
        if (key == null || key.isEmpty()) {
            throw new UsageException("device " + deviceId + " has no symmetric key: pass --connection-string");
        }
        return "HostName=" + service.endpoint().host() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key;
    }

    private String caPem() {
        Path file = hub.caFile != null ? hub.caFile : hub.dataDir.resolve(HubFiles.CA_CERTIFICATE);
        return Files.isRegularFile(file) ? HubFiles.read(file) : null;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
