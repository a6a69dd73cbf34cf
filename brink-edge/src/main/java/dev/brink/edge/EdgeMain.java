package dev.brink.edge;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs an edge runtime until SIGTERM/SIGINT, without the rest of the {@code brink} command (tests and
 * benchmarks start it in a child JVM; brink-edge cannot depend on brink-cli):
 * {@code EdgeMain --config edge.toml} or
 * {@code EdgeMain --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 * {@code brink edge start} takes the same options ({@link EdgeStartOptions}).
 */
@Command(name = "brink-edge", mixinStandardHelpOptions = true,
        description = "Run the edge runtime until SIGTERM/SIGINT (see docs/edge-config.md).")
public final class EdgeMain implements Callable<Integer> {
    @Mixin
    EdgeStartOptions options;

    public static void main(String[] args) {
        int exit = new CommandLine(new EdgeMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        run(EdgeRuntime.start(options.toConfig()));
        return 0;
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
