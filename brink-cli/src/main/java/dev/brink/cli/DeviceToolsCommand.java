package dev.brink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brink device ...}: tools that act as a device (as opposed to {@code brink hub device}, the registry). */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Act as a device (simulation).",
        subcommands = {SimulateCommand.class, CommandLine.HelpCommand.class})
final class DeviceToolsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a device command is required");
    }
}
