package dev.brink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brink hub ...}: run a hub, and manage one through its service API. */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = "Run a hub and manage its devices, modules and twins.",
        subcommands = {HubStartCommand.class, DeviceCommand.class, ModuleCommand.class, TwinCommand.class,
            QueryCommand.class, ConnectionStringCommand.class, InvokeCommand.class, C2dCommand.class,
            MonitorEventsCommand.class, CaCommand.class, DeployCommand.class, CommandLine.HelpCommand.class})
final class HubCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a hub command is required");
    }
}
