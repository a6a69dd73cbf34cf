package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.edge.management.ManagementClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink edge restart <module>}: stops and starts the module now (its back-off count is reset). */
@Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a module now.")
final class EdgeRestartCommand implements Callable<Integer> {
    @Mixin
    EdgeSocketOptions edge;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "MODULE", description = "The module's name.")
    String module;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode view;
        try (ManagementClient client = new ManagementClient(edge.socket())) {
            view = client.restart(module);
        }
        if (output.json()) {
            OutputOptions.printJson(out, view);
        } else {
            out.println("Restarted " + module + ": " + view.path("runtimeStatus").asText("?")
                    + (view.hasNonNull("lastStartTimeUtc") ? ", started " + view.get("lastStartTimeUtc").asText() : ""));
            out.flush();
        }
        return BrinkMain.EXIT_OK;
    }
}
