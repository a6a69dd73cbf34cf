package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub twin show|update}: device and module twins. */
@Command(name = "twin", mixinStandardHelpOptions = true, description = "Show and update device and module twins.")
final class TwinCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a twin command is required");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a twin (it is JSON in every format).")
    int show(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Option(names = {"-m", "--module"}, paramLabel = "MODULE", description = "The module twin instead.")
            String moduleId,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        OutputOptions.printJson(spec.commandLine().getOut(), hub.connect().getTwin(deviceId, moduleId));
        return 0;
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Merge-patch tags and/or desired properties (null removes a property).")
    int update(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Option(names = {"-m", "--module"}, paramLabel = "MODULE", description = "The module twin instead.")
            String moduleId,
            @Option(names = "--tags", paramLabel = "JSON|@FILE", converter = JsonArgument.class,
                    description = "Tags patch: a JSON object, or @file holding one.") JsonNode tags,
            @Option(names = "--desired", paramLabel = "JSON|@FILE", converter = JsonArgument.class,
                    description = "Desired properties patch: a JSON object, or @file holding one.") JsonNode desired,
            @Option(names = "--etag", paramLabel = "ETAG", description = "Only if the twin still has this etag.")
            String etag,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        if (tags == null && desired == null) {
            throw new UsageException("nothing to update: give --tags and/or --desired");
        }
        ObjectNode patch = Json.object();
        if (tags != null) {
            patch.set("tags", tags);
        }
        if (desired != null) {
            patch.putObject("properties").set("desired", desired);
        }
        JsonNode twin = hub.connect().patchTwin(deviceId, moduleId, patch, etag);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, twin);
        } else {
            out.println("Updated twin of " + (moduleId == null ? "device " + deviceId : "module " + deviceId + "/" + moduleId)
                    + " (desired $version " + twin.path("properties").path("desired").path("$version").asText("?")
                    + ", etag " + twin.path("etag").asText("?") + ")");
            out.flush();
        }
        return 0;
    }
}
