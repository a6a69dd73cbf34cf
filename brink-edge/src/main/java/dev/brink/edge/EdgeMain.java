package dev.brink.edge;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an edge runtime until SIGTERM/SIGINT: {@code EdgeMain --config edge.toml} or
 * {@code EdgeMain --connection-string CS [--hub-ca FILE] [--data DIR] [--runtime process|docker]}.
 * (The {@code brink edge start} command does the same with proper option parsing.)
 */
public final class EdgeMain {
    private EdgeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EdgeConfig config = parse(args);
        EdgeRuntime runtime = EdgeRuntime.start(config);
        run(runtime);
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

    static EdgeConfig parse(String[] args) {
        String config = null;
        String cs = null;
        String ca = null;
        String data = null;
        String runtime = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> config = args[i + 1];
                case "--connection-string" -> cs = args[i + 1];
                case "--hub-ca" -> ca = args[i + 1];
                case "--data" -> data = args[i + 1];
                case "--runtime" -> runtime = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (config != null) {
            return EdgeConfig.load(Path.of(config));
        }
        return EdgeConfig.of(cs, ca == null ? null : Path.of(ca), data == null ? null : Path.of(data), runtime);
    }
}
