package dev.brink.mqtt;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT server instance on its own event loop. Several instances listening on the same host and port
 * share it (Vert.x hands each new connection to the next instance), which spreads connections over cores.
 */
final class MqttListener extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MqttListener.class);

    private final MqttServerOptions options;
    private final Handler<MqttEndpoint> handler;
    private MqttServer server;
    private volatile int actualPort = -1;

    MqttListener(MqttServerOptions options, Handler<MqttEndpoint> handler) {
        this.options = new MqttServerOptions(options);
        this.handler = handler;
    }

    @Override
    public Future<?> start() {
        server = MqttServer.create(vertx, options)
                .endpointHandler(handler)
                .exceptionHandler(e -> LOG.debug("MQTT connection failed before CONNECT: {}", e.toString()));
        return server.listen().onSuccess(s -> actualPort = s.actualPort());
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    int actualPort() {
        return actualPort;
    }
}
