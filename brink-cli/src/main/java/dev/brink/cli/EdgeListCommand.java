package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.edge.management.ManagementClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code brink edge list}: the modules of the running edge runtime and their status. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the modules of the running edge runtime.")
final class EdgeListCommand implements Callable<Integer> {
    @Mixin
    EdgeSocketOptions edge;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode modules;
        try (ManagementClient client = new ManagementClient(edge.socket())) {
            modules = client.modules();
        }
        if (output.json()) {
            OutputOptions.printJson(out, modules);
            return BrinkMain.EXIT_OK;
        }
        Table table = Table.of("NAME", "STATUS", "VERSION", "RESTARTS", "EXIT", "STARTED", "EXITED", "IMAGE");
        for (JsonNode m : modules) {
            table.row(m.path("name").asText(), m.path("runtimeStatus").asText(), text(m, "version"),
                    m.path("restartCount").asInt(), text(m, "exitCode"), text(m, "lastStartTimeUtc"),
                    text(m, "lastExitTimeUtc"), text(m, "image"));
        }
        table.print(out);
        return BrinkMain.EXIT_OK;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
