package dev.brink.cli;

import dev.brink.edge.EdgeConfig;
import dev.brink.edge.EdgeMain;
import dev.brink.edge.EdgeRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brink edge start --config edge.toml}, or for a quick start
 * {@code brink edge start --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 * Runs until SIGTERM/SIGINT; the modules stop with it. See docs/edge-config.md.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Run the edge runtime until stopped.")
final class EdgeStartCommand implements Callable<Integer> {
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

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (with --connection-string; default .brink/edge).")
    Path data;

    @Option(names = "--runtime", paramLabel = "TYPE", description = "process (default) or docker (with --connection-string).")
    String runtime;

    @Override
    public Integer call() throws Exception {
        EdgeConfig config = source.config != null ? EdgeConfig.load(source.config)
                : EdgeConfig.of(source.connectionString, hubCa, data, runtime);
        if (source.config != null && (hubCa != null || data != null || runtime != null)) {
            throw new UsageException("--hub-ca, --data and --runtime go with --connection-string; put them in the config");
        }
        EdgeMain.run(EdgeRuntime.start(config));
        return 0;
    }
}
