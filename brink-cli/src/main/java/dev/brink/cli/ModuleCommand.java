package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub module create|list|show|delete}: module identities of a device. */
@Command(name = "module", mixinStandardHelpOptions = true, description = "Manage module identities.")
final class ModuleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a module command is required");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a module identity.")
    int create(@Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Parameters(index = "1", paramLabel = "MODULE", description = "Module id.") String moduleId,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        HubServiceClient client = hub.connect();
        print(client.createModule(deviceId, moduleId, null), output);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the modules of a device.")
    int list(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        JsonNode modules = hub.connect().listModules(deviceId);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, modules);
            return 0;
        }
        Table table = Table.of("MODULE", "MANAGED BY", "CONNECTION", "LAST ACTIVITY");
        for (JsonNode m : modules) {
            String managedBy = m.path("managedBy").asText("");
            table.row(m.path("moduleId").asText(), managedBy.isEmpty() ? null : managedBy,
                    m.path("connectionState").asText(null), Identities.time(m.path("lastActivityTime")));
        }
        table.print(out);
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one module identity.")
    int show(@Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Parameters(index = "1", paramLabel = "MODULE", description = "Module id.") String moduleId,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        print(hub.connect().getModule(deviceId, moduleId), output);
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a module identity.")
    int delete(@Parameters(index = "0", paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Parameters(index = "1", paramLabel = "MODULE", description = "Module id.") String moduleId,
            @Option(names = "--etag", paramLabel = "ETAG", description = "Only if the module still has this etag.")
            String etag,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        hub.connect().deleteModule(deviceId, moduleId, etag);
        if (!output.json()) {
            spec.commandLine().getOut().println("Deleted module " + moduleId + " of device " + deviceId);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private void print(JsonNode module, OutputOptions output) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, module);
            return;
        }
        String managedBy = module.path("managedBy").asText("");
        List<String[]> rows = new ArrayList<>(List.of(
                new String[] {"Device ID", module.path("deviceId").asText()},
                new String[] {"Module ID", module.path("moduleId").asText()},
                new String[] {"Managed by", managedBy.isEmpty() ? null : managedBy},
                new String[] {"Connection", module.path("connectionState").asText(null)},
                new String[] {"Last activity", Identities.time(module.path("lastActivityTime"))}));
        rows.addAll(Identities.credentialRows(module));
        Table.details(out, rows.toArray(String[][]::new));
    }
}
