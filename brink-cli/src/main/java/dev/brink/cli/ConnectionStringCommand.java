package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.core.sas.ConnectionString;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brink hub connection-string <device> [--module m]}: the connection string a device or module
 * client needs, built from the identity's primary key as stored in the hub.
 */
@Command(name = "connection-string", mixinStandardHelpOptions = true,
        description = "Print the connection string of a device or module (uses its primary key).")
final class ConnectionStringCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DEVICE", description = "Device id.")
    String deviceId;

    @Option(names = {"-m", "--module"}, paramLabel = "MODULE", description = "The module's connection string instead.")
    String moduleId;

    @Mixin
    HubOptions hub;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        HubServiceClient client = hub.connect();
        JsonNode identity = moduleId == null ? client.getDevice(deviceId) : client.getModule(deviceId, moduleId);
        String key = identity.path("authentication").path("symmetricKey").path("primaryKey").asText("");
        if (key.isEmpty()) {
            String type = identity.path("authentication").path("type").asText("unknown");
            throw new UsageException((moduleId == null ? "device " + deviceId : "module " + deviceId + "/" + moduleId)
                    + " has no symmetric key (authentication type " + type + "); it has no SAS connection string");
        }
        // Devices dial the hub host (MQTT has its own port), so the HTTPS port of the service string is not part of it.
        String host = client.endpoint().host();
        String connectionString = (moduleId == null ? ConnectionString.forDevice(host, deviceId, key)
                : ConnectionString.forModule(host, deviceId, moduleId, key)).toString();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, Json.object().put("connectionString", connectionString));
        } else {
            out.println(connectionString);
            out.flush();
        }
        return 0;
    }
}
