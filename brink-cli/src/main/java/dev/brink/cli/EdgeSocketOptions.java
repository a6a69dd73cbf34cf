package dev.brink.cli;

import dev.brink.edge.EdgeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Finds the running edge runtime's management socket: {@code listen.management_socket} of {@code --config}
 * (default {@code <data_dir>/mgmt.sock}), else {@code --data DIR/mgmt.sock}, else {@code .brink/edge/mgmt.sock}
 * — the defaults of {@code brink edge start}.
 */
public final class EdgeSocketOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "The edge runtime's config (edge.toml).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "The edge runtime's data directory "
            + "(without --config; default .brink/edge).")
    Path data;

    /** Reads {@code --config}; throws the config's error (naming the key) when it does not parse. */
    EdgeConfig loadConfig() {
        return EdgeConfig.load(config);
    }

    boolean hasConfig() {
        return config != null;
    }

    Path socket() {
        if (config != null) {
            return loadConfig().managementSocket().toAbsolutePath();
        }
        return socketInDataDir();
    }

    Path socketInDataDir() {
        return (data == null ? EdgeConfig.DEFAULT_DATA_DIR : data).resolve("mgmt.sock").toAbsolutePath();
    }
}
