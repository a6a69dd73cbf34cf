package dev.brink.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The load generator's HTTPS client: Vert.x's HTTP/1.1 client with keep-alive connections, trusting only
 * the hub's CA, sending one cached SAS token. Chosen over java.net.http because on two cores every cycle
 * the client burns is taken from the server under test; Vert.x needs far fewer per request.
 *
 * <p>Every request is made on one event-loop context, so its connection, its response and the
 * {@code body()} call all run on one thread. Requests issued from several threads lost a response now and
 * then (the response ended on the connection's event loop before {@code body()} was registered from another
 * thread, and that body future never completed); one loop is plenty for the few thousand requests a
 * second the hub serves here.
 */
final class HttpLoadClient implements AutoCloseable {
    static final String API_VERSION = "api-version=2021-04-12";
    static final int KEEP_ALIVE_SECONDS = 3600;

    private final HttpClientAgent client;
    private final Context context;
    private final String host;
    private final int port;
    private final Supplier<String> authorization;

    /**
     * @param maxConnections the connection pool size: at least the loop's in-flight count, so no request
     *     waits for a connection (HTTP/1.1 has one request per connection at a time)
     * @param authorization gives the Authorization header value (a cached SAS token), or null for none
     */
    HttpLoadClient(Vertx vertx, String host, int port, Path caPem, int maxConnections,
            Supplier<String> authorization) {
        this.host = host;
        this.port = port;
        this.authorization = authorization;
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(caPem.toString()))
                .setVerifyHost(true)
                .setKeepAlive(true)
                // idle connections stay open between loops: no handshake storm when the next loop starts
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setDefaultHost(host)
                .setDefaultPort(port)
                // a cold JVM on two busy cores can take more than the default 10 s for a burst of handshakes
                .setSslHandshakeTimeout(60);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections)
                .setMaxWaitQueueSize(-1));
        this.context = vertx.getOrCreateContext(); // called from a plain thread: a new event-loop context
    }

    /** The status, body and headers of one exchange. */
    record Reply(int status, Buffer body, MultiMap headers) {
        String text() {
            return body == null ? "" : body.toString();
        }
    }

    /** Sends a request; the future fails on transport errors and on any status other than {@code expect}. */
    Future<Reply> send(HttpMethod method, String path, Buffer body, Map<String, String> headers, Duration timeout,
            int expect) {
        // Always a fresh task, even on the context: a request made from the previous response's end handler
        // would find that response's connection not yet back in the pool and queue for one.
        Promise<Reply> reply = Promise.promise();
        context.runOnContext(v -> sendOnContext(method, path, body, headers, timeout, expect).onComplete(reply));
        return reply.future();
    }

    private Future<Reply> sendOnContext(HttpMethod method, String path, Buffer body, Map<String, String> headers,
            Duration timeout, int expect) {
        RequestOptions request = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(path + (path.contains("?") ? "&" : "?") + API_VERSION)
                .setTimeout(timeout.toMillis());
        if (authorization != null) {
            request.putHeader("Authorization", authorization.get());
        }
        if (body != null) {
            request.putHeader("Content-Type", "application/json; charset=utf-8");
        }
        if (headers != null) {
            headers.forEach(request::putHeader);
        }
        return client.request(request)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b, resp.headers())))
                .compose(reply -> reply.status() == expect ? Future.succeededFuture(reply)
                        : Future.failedFuture(new IllegalStateException(method + " " + path + " -> "
                                + reply.status() + " " + abbreviate(reply.text()))));
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Override
    public void close() {
        client.close().toCompletionStage().toCompletableFuture().join();
    }
}
