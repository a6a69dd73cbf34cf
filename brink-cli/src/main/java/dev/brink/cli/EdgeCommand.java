package dev.brink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brink edge ...}: the edge runtime. */
@Command(name = "edge", mixinStandardHelpOptions = true, description = "Run and operate the edge runtime.",
        subcommands = {EdgeStartCommand.class, EdgeListCommand.class, EdgeLogsCommand.class,
            EdgeRestartCommand.class, EdgeCheckCommand.class, CommandLine.HelpCommand.class})
final class EdgeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "an edge command is required");
    }
}
