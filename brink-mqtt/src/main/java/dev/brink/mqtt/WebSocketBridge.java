package dev.brink.mqtt;

import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over WebSocket on the HTTPS port, path {@code /$iothub/websocket} (reference §1.1, §9.1). vertx-mqtt's
 * own WebSocket mode only serves the fixed path {@code /mqtt} on its own listener, so the HTTPS server
 * upgrades the request itself and this bridge pipes the WebSocket's binary frames, as a byte stream, to
 * and from a plain MQTT listener bound to 127.0.0.1 (the same connect handler as the TLS listener; TLS
 * ends at the HTTPS server, which must offer {@link ProtocolHead#WEBSOCKET_SUB_PROTOCOL} and accept frames of
 * {@link ProtocolHead#WEBSOCKET_MAX_FRAME_BYTES}). Both pipes carry back-pressure; either side closing closes the other.
 * The query string ({@code ?iothub-no-client-cert=true}) is ignored.
 */
final class WebSocketBridge implements Handler<RoutingContext> {
    static final String PATH = ProtocolHead.WEBSOCKET_PATH;
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);

    private final NetClient client;
    private final int internalPort;

    WebSocketBridge(NetClient client, int internalPort) {
        this.client = client;
        this.internalPort = internalPort;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String upgrade = ctx.request().getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        ctx.request().toWebSocket().onSuccess(this::bridge).onFailure(e ->
                LOG.info("WebSocket upgrade on {} failed: {}", PATH, e.toString()));
    }

    private void bridge(ServerWebSocket ws) {
        ws.pause(); // frames that arrive before the pipe exists wait in the socket's buffer
        client.connect(internalPort, "127.0.0.1").onSuccess(socket -> {
            ws.pipeTo(socket);
            socket.pipeTo(ws);
        }).onFailure(e -> {
            LOG.warn("MQTT-over-WebSocket bridge could not reach the internal listener: {}", e.toString());
            ws.close();
        });
    }
}
