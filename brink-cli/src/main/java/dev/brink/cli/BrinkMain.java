package dev.brink.cli;

import dev.brink.cli.demo.DemoCommand;
import dev.brink.client.service.HubServiceException;
import dev.brink.core.error.BrinkException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code brink} command. Exit codes: 0 success, 1 the hub (or the connection to it) failed,
 * 2 the command line was wrong.
 */
@Command(name = "brink", mixinStandardHelpOptions = true, versionProvider = BrinkMain.Version.class,
        description = "Brink: a self-hosted IoT edge platform (hub, edge runtime, tools).",
        subcommands = {HubCommand.class, EdgeCommand.class, DeviceToolsCommand.class, ModuleToolsCommand.class,
            DemoCommand.class, CommandLine.HelpCommand.class})
public final class BrinkMain implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_HUB_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    /** Set to 1 to print stack traces of unexpected errors. */
    static final String DEBUG_ENV = "BRINK_DEBUG";
    private static final String LOGBACK_CONFIG = "logback.configurationFile";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // brink-hub ships its own logback.xml; the command's configuration is chosen explicitly.
        if (System.getProperty(LOGBACK_CONFIG) == null) {
            System.setProperty(LOGBACK_CONFIG, "dev/brink/cli/logback-cli.xml");
        }
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own out/err writers. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new BrinkMain());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // "@file" belongs to options like --desired (JSON from a file), not to picocli's argument files.
        cli.setExpandAtFiles(false);
        cli.setExecutionExceptionHandler(BrinkMain::handleExecutionException);
        cli.setParameterExceptionHandler(BrinkMain::handleParameterException);
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof HubServiceException hub) {
            err.println("error: " + hub.hubMessage() + " (" + hub.hubErrorCode() + ")");
            return EXIT_HUB_ERROR;
        }
        if (e instanceof UsageException) {
            err.println("error: " + e.getMessage());
            err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        }
        if (e instanceof BrinkException) {
            err.println("error: " + e.getMessage());
            return EXIT_HUB_ERROR;
        }
        err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        if ("1".equals(System.getenv(DEBUG_ENV))) {
            e.printStackTrace(err);
        } else {
            err.println("(set " + DEBUG_ENV + "=1 for the stack trace)");
        }
        return EXIT_HUB_ERROR;
    }

    private static int handleParameterException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
        return EXIT_USAGE;
    }

    /** Reads the version Maven writes into {@code version.properties} at build time. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties props = new Properties();
            try (InputStream in = BrinkMain.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            }
            return new String[] {"brink " + props.getProperty("version", "(development build)"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
