package dev.brink.edge;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs an edge runtime until SIGTERM/SIGINT, without the rest of the {@code brink} command (tests and
 * benchmarks start it in a child JVM; brink-edge cannot depend on brink-cli):
 * {@code EdgeMain --config edge.toml} or
 * {@code EdgeMain --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 * {@code brink edge start} takes the same options.
 */
@Command(name = "brink-edge", mixinStandardHelpOptions = true,
        description = "Run the edge runtime until SIGTERM/SIGINT (see docs/edge-config.md).")
public final class EdgeMain implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "The edge config (TOML).")
        Path config;

        @Option(names = "--connection-string", paramLabel = "CS", description = "The edge device's connection string.")
        String connectionString;
    }

    @Option(names = "--hub-ca", paramLabel = "PEM", description = "The hub's CA certificate (with --connection-string).")
    Path hubCa;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (with --connection-string).")
    Path data;

    @Option(names = "--runtime", paramLabel = "TYPE", description = "process (default) or docker (with --connection-string).")
    String runtime;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int exit = new CommandLine(new EdgeMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        run(EdgeRuntime.start(config()));
        return 0;
    }

    /** The config the options name; the quick-start options go only with {@code --connection-string}. */
    EdgeConfig config() {
        if (source.config != null) {
            if (hubCa != null || data != null || runtime != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--hub-ca, --data and --runtime go with --connection-string; put them in the config");
            }
            return EdgeConfig.load(source.config);
        }
        return EdgeConfig.of(source.connectionString, hubCa, data, runtime);
    }

    /** Blocks until the JVM is asked to stop, then closes the runtime (modules stop with it). */
    public static void run(EdgeRuntime runtime) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "brink-edge-shutdown"));
        stopped.await();
    }
}
