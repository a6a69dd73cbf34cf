package dev.brink.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline of the twin benchmark: a Vert.x HTTPS server (same TLS versions and certificate as the
 * hub) that reads any request's body and answers 200 with a fixed 1 KB JSON document. What the hub costs
 * beyond this is the cost of routing, authentication, the twin logic and the store.
 */
@Command(name = "fixed-json-server", mixinStandardHelpOptions = true,
        description = "HTTPS server answering every request with a fixed 1 KB JSON body (benchmark baseline).")
public final class FixedJsonServer implements Callable<Integer> {
    static final String READY = "Baseline listening on port ";

    @Option(names = "--cert", required = true, description = "PEM certificate chain.")
    String cert;

    @Option(names = "--key", required = true, description = "PEM private key.")
    String key;

    @Option(names = "--host", description = "Bind address (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FixedJsonServer()).execute(args));
    }

    /** A JSON object of exactly {@code size} bytes, shaped loosely like a twin. */
    static String fixedJson(int size) {
        String head = "{\"deviceId\":\"bench-d000000\",\"moduleId\":\"m0\",\"etag\":\"AAAAAAAAAAE=\",\"version\":2,"
                + "\"padding\":\"";
        String tail = "\"}";
        return head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail;
    }

    @Override
    public Integer call() throws Exception {
        Buffer body = Buffer.buffer(fixedJson(1024));
        Vertx vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(req -> req.body().onComplete(ar -> req.response()
                        .putHeader("Content-Type", "application/json; charset=utf-8")
                        .end(body)))
                .listen().toCompletionStage().toCompletableFuture().get();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "baseline-shutdown"));
        System.out.println(READY + server.actualPort());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
