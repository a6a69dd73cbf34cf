package dev.brink.bench.mqtt;

import dev.brink.client.service.ServiceEndpoint;
import dev.brink.core.sas.SasTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Instant;
import java.util.Locale;

/**
 * Sends desired-property patches through the hub's service REST API ({@code PATCH /twins/{d}}) without
 * blocking: an open-loop load generator must not wait for one answer before sending the next request.
 * Authenticates with a SAS token of the service connection string's policy, made once for the whole run.
 */
final class TwinPatcher implements AutoCloseable {
    private static final String API_VERSION = "2021-04-12";

    private final HttpClient http;
    private final String authorization;
    private final io.vertx.core.Context context;

    TwinPatcher(Vertx vertx, HubProcess hub, int connections) {
        ServiceEndpoint endpoint = ServiceEndpoint.parse(hub.serviceConnectionString());
        long expiry = Instant.now().plusSeconds(7200).getEpochSecond();
        this.authorization = SasTokens.create(endpoint.host().toLowerCase(Locale.ROOT), endpoint.key(), expiry,
                endpoint.keyName());
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(hub.caPem().toString()))
                .setVerifyHost(true)
                .setDefaultHost(endpoint.host())
                .setDefaultPort(endpoint.port())
                .setKeepAlive(true)
                .setTcpNoDelay(true);
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections));
        // Requests start on one event loop of the generator, not on the caller's thread: the client is used from
        // a Vert.x thread as its threading model intends.
        this.context = vertx.getOrCreateContext();
    }

    /** PATCHes the device twin with {@code body}; fails unless the hub answers 200. */
    Future<Void> patch(String deviceId, String body) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> send(deviceId, body).onComplete(done));
        return done.future();
    }

    private Future<Void> send(String deviceId, String body) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.PATCH)
                .setURI("/twins/" + deviceId + "?api-version=" + API_VERSION)
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json");
        return http.request(request)
                .compose(r -> r.send(Buffer.buffer(body)))
                .compose(response -> response.body().compose(b -> response.statusCode() == 200
                        ? Future.succeededFuture()
                        : Future.failedFuture("HTTP " + response.statusCode() + ": " + b)));
    }

    @Override
    public void close() {
        http.close();
    }
}
