package dev.brink.edge;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that start an edge runtime, a picocli mixin shared by {@link EdgeMain} and {@code brink edge start}
 * (brink-edge cannot depend on brink-cli): {@code --config FILE} or
 * {@code --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 */
public final class EdgeStartOptions {
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * The config the options name. The quick-start options go only with {@code --connection-string}; with
     * {@code --config} they are a usage error (a {@link CommandLine.ParameterException} of the command).
     */
    public EdgeConfig toConfig() {
        if (source.config != null) {
            if (hubCa != null || data != null || runtime != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--hub-ca, --data and --runtime go with --connection-string; put them in the config");
            }
            return EdgeConfig.load(source.config);
        }
        return EdgeConfig.of(source.connectionString, hubCa, data, runtime);
    }
}
