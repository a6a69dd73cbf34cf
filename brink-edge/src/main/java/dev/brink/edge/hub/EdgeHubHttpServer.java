package dev.brink.edge.hub;

import dev.brink.mqtt.TlsEngines;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Set;

/**
 * The edge hub's HTTPS listener (TLS 1.2/1.3 with the edge hub certificate): MQTT over WebSocket at
 * {@code /$iothub/websocket} (mounted on the router by the protocol head) and the module-to-module direct methods
 * ({@link ModuleMethodsApi}).
 */
final class EdgeHubHttpServer implements AutoCloseable {
    /** MQTT.js refuses a WebSocket handshake without it. */
    static final String WEBSOCKET_SUB_PROTOCOL = "mqtt";
    /** One MQTT packet (up to ~320 KB with a 256 KB payload) travels in one frame. */
    static final int WEBSOCKET_MAX_FRAME_BYTES = 512 * 1024;
    static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private HttpServer server;

    private EdgeHubHttpServer() {
    }

    static EdgeHubHttpServer start(Vertx vertx, String host, int port, KeyCertOptions certificate, Router router) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setKeyCertOptions(certificate)
                .setEnabledSecureTransportProtocols(TLS_PROTOCOLS)
                .setSslEngineOptions(TlsEngines.preferred())
                .setWebSocketSubProtocols(List.of(WEBSOCKET_SUB_PROTOCOL))
                .setMaxWebSocketFrameSize(WEBSOCKET_MAX_FRAME_BYTES)
                .setMaxWebSocketMessageSize(WEBSOCKET_MAX_FRAME_BYTES);
        EdgeHubHttpServer s = new EdgeHubHttpServer();
        s.server = Await.await(vertx.createHttpServer(options).requestHandler(router).listen(),
                "HTTPS listener on " + host + ":" + port);
        return s;
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        if (server != null) {
            Await.await(server.close(), "closing the HTTPS listener");
            server = null;
        }
    }
}
