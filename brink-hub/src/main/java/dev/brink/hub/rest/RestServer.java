package dev.brink.hub.rest;

import dev.brink.hub.security.AccessPolicy;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.security.ServiceAuthenticator;
import dev.brink.mqtt.ProtocolHead;
import dev.brink.mqtt.TlsEngines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTPS frame of the service REST API: a TLS 1.2/1.3 Vert.x server and a {@link Router} on which the
 * frame handlers (method override, api-version, authentication, body limit) and the error mapping are
 * already installed. Resource handlers are mounted on {@link #router()} before {@link #listen}.
 */
public final class RestServer implements AutoCloseable {
    public static final long BODY_LIMIT_BYTES = 1024 * 1024;
    public static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    static final Duration START_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HubCertificates certificates;
    private final Router router;
    private HttpServer server;

    public RestServer(Vertx vertx, HubCertificates certificates, ServiceAuthenticator authenticator) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.router = createRouter(vertx, Objects.requireNonNull(authenticator, "authenticator"));
    }

    /** The router to mount resource routes on; every route already sits behind the frame handlers. */
    public Router router() {
        return router;
    }

    /** The policy that authenticated this request (set by the frame before any resource handler runs). */
    public static AccessPolicy policy(RoutingContext ctx) {
        return ctx.get(FrameHandlers.POLICY_KEY);
    }

    /** Starts listening and blocks until bound; returns the actual port (useful when {@code port} is 0). */
    public synchronized int listen(String host, int port) {
        if (server != null) {
            throw new IllegalStateException("already listening on port " + server.actualPort());
        }
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setKeyCertOptions(certificates.keyCertOptions())
                .setEnabledSecureTransportProtocols(TLS_PROTOCOLS)
                .setSslEngineOptions(TlsEngines.preferred());
        // MQTT over WebSocket on /$iothub/websocket (mounted by dev.brink.mqtt.ProtocolHead): MQTT.js refuses
        // a handshake without the "mqtt" sub-protocol; one MQTT packet (up to ~320 KB) travels in one frame.
        ProtocolHead.webSocketReady(options);
        server = await(vertx.createHttpServer(options).requestHandler(router).listen());
        return server.actualPort();
    }

    public synchronized int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /** Stops accepting and closes open connections; blocks until done. Vert.x itself is closed by its owner. */
    @Override
    public synchronized void close() {
        if (server != null) {
            HttpServer s = server;
            server = null;
            await(s.close());
        }
    }

    private static Router createRouter(Vertx vertx, ServiceAuthenticator authenticator) {
        Router router = Router.router(vertx);
        router.route().handler(FrameHandlers::methodOverride);
        router.route().handler(FrameHandlers::jsonContentType);
        router.route().handler(FrameHandlers::requireApiVersion);
        router.route().handler(FrameHandlers.authenticate(authenticator));
        // after authentication, so an anonymous client cannot make the server buffer a megabyte
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.route().failureHandler(RestErrors::handleFailure);
        // no route matched at all (404), or the path matched with another method (405)
        router.errorHandler(404, RestErrors::handleFailure);
        router.errorHandler(405, RestErrors::handleFailure);
        router.errorHandler(413, RestErrors::handleFailure);
        router.errorHandler(500, RestErrors::handleFailure);
        return router;
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture()
                    .get(START_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + START_STOP_TIMEOUT, e);
        }
    }
}
