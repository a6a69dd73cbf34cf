package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub invoke DEVICE METHOD}: calls a direct method and prints the device's status and payload. */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Invoke a direct method on a device or module and print its status and payload.")
final class InvokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.")
    String deviceId;

    @Parameters(index = "1", paramLabel = "METHOD", description = "Method name.")
    String methodName;

    @Option(names = {"-m", "--module"}, paramLabel = "MODULE", description = "Invoke it on this module of the device.")
    String moduleId;

    @Option(names = "--payload", paramLabel = "JSON", description = "The request payload: any JSON value.")
    String payload;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "Seconds the device may take to answer, 5..300 (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--connect-timeout", paramLabel = "S", defaultValue = "0",
            description = "Seconds to wait for the device to come online, 0..300 (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    @Mixin
    HubOptions hub;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode request = null;
        if (payload != null) {
            try {
                request = Json.parse(payload);
            } catch (BrinkException e) {
                throw new UsageException("--payload is not valid JSON: " + e.getMessage());
            }
        }
        JsonNode result = hub.connect().invokeMethod(deviceId, moduleId, methodName, request, timeout, connectTimeout);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, result);
            return 0;
        }
        out.println("Status: " + result.path("status").asText());
        out.println("Payload: " + Json.write(result.path("payload")));
        out.flush();
        return 0;
    }
}
