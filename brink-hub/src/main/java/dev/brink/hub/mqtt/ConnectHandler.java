package dev.brink.hub.mqtt;

import dev.brink.hub.store.HubStore;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.mqtt.MqttAuth;
import io.vertx.mqtt.MqttEndpoint;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles each CONNECT: MQTT 3.1.1 only, authentication and session loading on a worker thread (both read
 * the store), then on the connection's event loop either CONNACK 0 with a new {@link DeviceConnection} or
 * a refusal code (the codec closes the connection after a refusing CONNACK).
 */
final class ConnectHandler implements Handler<MqttEndpoint> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);
    private static final int MQTT_3_1_1 = 4;

    private final DeviceAuthenticator authenticator;
    private final EndpointContext env;

    ConnectHandler(DeviceAuthenticator authenticator, EndpointContext env) {
        this.authenticator = authenticator;
        this.env = env;
    }

    private record Decision(DeviceAuthenticator.Result auth, Map<String, Integer> session) {
    }

    @Override
    public void handle(MqttEndpoint endpoint) {
        endpoint.publishAutoAck(false);
        endpoint.subscriptionAutoAck(false);
        if (endpoint.protocolVersion() != MQTT_3_1_1) {
            LOG.info("CONNECT from {} refused: MQTT protocol level {} (only 3.1.1 is supported)",
                    endpoint.remoteAddress(), endpoint.protocolVersion());
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        Context context = env.vertx().getOrCreateContext();
        boolean[] closedEarly = {false};
        endpoint.closeHandler(v -> closedEarly[0] = true);
        String clientId = endpoint.clientIdentifier();
        MqttAuth auth = endpoint.auth();
        boolean clean = endpoint.isCleanSession();
        env.vertx().executeBlocking(() -> decide(clientId, auth, clean), false).onComplete(ar -> {
            if (closedEarly[0]) {
                return;
            }
            if (ar.failed()) {
                LOG.warn("CONNECT of {} failed: {}", clientId, ar.cause().toString());
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
                return;
            }
            DeviceAuthenticator.Result result = ar.result().auth();
            if (!result.isAccepted()) {
                LOG.info("CONNECT of client id '{}' from {} refused ({}): {}", abbreviate(clientId),
                        endpoint.remoteAddress(), result.refusal(), result.reason());
                endpoint.reject(result.refusal());
                return;
            }
            new DeviceConnection(endpoint, context, result.key(), ar.result().session(), env)
                    .start(result.tokenExpiresAt());
        });
    }

    /** Authenticates; then drops the stored session (clean) or loads its subscriptions (persistent). */
    private Decision decide(String clientId, MqttAuth auth, boolean clean) {
        DeviceAuthenticator.Result result = authenticator.authenticate(clientId,
                auth == null ? null : auth.getUsername(), auth == null ? null : auth.getPassword());
        if (!result.isAccepted()) {
            return new Decision(result, Map.of());
        }
        HubStore store = env.store();
        if (clean) {
            // Most clean-session clients never had a session: a read is far cheaper than a durable write.
            // Waiting here (a worker thread) keeps the order: the old session is gone before any new SUBSCRIBE.
            if (!store.read(view -> view.sessions().subscriptions(clientId)).isEmpty()) {
                store.write(tx -> tx.sessions().delete(clientId)).join();
            }
            return new Decision(result, Map.of());
        }
        return new Decision(result, store.read(view -> view.sessions().subscriptions(clientId)));
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 140 ? s : s.substring(0, 140) + "...";
    }
}
