package dev.brink.edge.hub;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus scrapes {@code GET /metrics} here: plain HTTP (as IoT Edge's port 9600; the edge hub's host is a
 * loopback address by default, so only this machine can scrape it), text exposition format 0.0.4.
 */
final class MetricsServer implements AutoCloseable {
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final Vertx vertx;
    private final Supplier<String> scrape;
    private HttpServer server;

    private MetricsServer(Vertx vertx, Supplier<String> scrape) {
        this.vertx = vertx;
        this.scrape = scrape;
    }

    /** Listens on {@code host:port} (0 = ephemeral), blocking until bound; {@code scrape} may block. */
    static MetricsServer start(Vertx vertx, String host, int port, Supplier<String> scrape) {
        MetricsServer m = new MetricsServer(vertx, scrape);
        m.server = Await.await(vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(m::handle).listen(), "metrics listener on " + host + ":" + port);
        return m;
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        if (!request.path().equals(PATH)) {
            request.response().setStatusCode(404).end("not found; metrics are at " + PATH + "\n");
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        vertx.executeBlocking(scrape::get, false).onComplete(result -> {
            if (result.succeeded()) {
                request.response().putHeader("Content-Type", CONTENT_TYPE).end(result.result());
            } else {
                LOG.warn("edge hub: metrics scrape failed", result.cause());
                request.response().setStatusCode(500).end("scrape failed: " + result.cause() + "\n");
            }
        });
    }

    @Override
    public void close() {
        if (server != null) {
            Await.await(server.close(), "closing the metrics listener");
            server = null;
        }
    }
}
