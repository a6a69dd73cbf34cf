package dev.brink.cli;

import dev.brink.edge.management.ManagementClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink edge logs <module> [--tail n] [-f]}: a module's stdout/stderr as the runtime keeps it. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Show (and follow) a module's log.")
final class EdgeLogsCommand implements Callable<Integer> {
    @Mixin
    EdgeSocketOptions edge;

    @Parameters(index = "0", paramLabel = "MODULE", description = "The module's name.")
    String module;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "0",
            description = "Only the last N lines (default: every line kept).")
    int tail;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted (Ctrl-C).")
    boolean follow;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (tail < 0) {
            throw new UsageException("--tail must be >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ManagementClient client = new ManagementClient(edge.socket())) {
            if (follow) {
                client.followLogs(module, tail, text -> {
                    out.print(text);
                    out.flush();
                });
            } else {
                out.print(client.logs(module, tail));
                out.flush();
            }
        }
        return BrinkMain.EXIT_OK;
    }
}
