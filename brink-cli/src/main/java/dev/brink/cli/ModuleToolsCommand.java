package dev.brink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code brink module ...}: tools for module developers (as opposed to {@code brink hub module}, the module
 * identities in the registry).
 */
@Command(name = "module", mixinStandardHelpOptions = true, description = "Build module packages and projects.",
        subcommands = {ModulePackageCommand.class, ModuleNewCommand.class, CommandLine.HelpCommand.class})
final class ModuleToolsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a module command is required");
    }
}
