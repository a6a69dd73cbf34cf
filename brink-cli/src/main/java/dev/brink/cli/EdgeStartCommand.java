package dev.brink.cli;

import dev.brink.edge.EdgeMain;
import dev.brink.edge.EdgeRuntime;
import dev.brink.edge.EdgeStartOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code brink edge start --config edge.toml}, or for a quick start
 * {@code brink edge start --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 * Runs until SIGTERM/SIGINT; the modules stop with it. See docs/edge-config.md.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Run the edge runtime until stopped.")
final class EdgeStartCommand implements Callable<Integer> {
    @Mixin
    EdgeStartOptions options;

    @Override
    public Integer call() throws Exception {
        EdgeMain.run(EdgeRuntime.start(options.toConfig()));
        return 0;
    }
}
