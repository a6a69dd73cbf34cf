package dev.brink.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.mqtt.MqttAuth;
import io.vertx.mqtt.MqttEndpoint;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles each CONNECT: MQTT 3.1.1 only, the backend's authentication and session loading on a worker thread
 * (both may read storage), then on the connection's event loop either CONNACK 0 with a new
 * {@link DeviceConnection} or a refusal code (the codec closes the connection after a refusing CONNACK).
 */
final class ConnectHandler implements Handler<MqttEndpoint> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);
    private static final int MQTT_3_1_1 = 4;

    private final EndpointContext env;

    ConnectHandler(EndpointContext env) {
        this.env = env;
    }

    private record Decision(Authentication auth, Map<String, Integer> session) {
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
            if (ar.result().auth() instanceof Authentication.Refused refused) {
                LOG.info("CONNECT of client id '{}' from {} refused ({}): {}", abbreviate(clientId),
                        endpoint.remoteAddress(), refused.code(), refused.reason());
                endpoint.reject(returnCode(refused.code()));
                return;
            }
            Authentication.Accepted accepted = (Authentication.Accepted) ar.result().auth();
            new DeviceConnection(endpoint, context, accepted.key(), ar.result().session(), env)
                    .start(accepted.tokenExpiresAt());
        });
    }

    /** Authenticates; then drops the stored session (clean) or loads its subscriptions (persistent). */
    private Decision decide(String clientId, MqttAuth auth, boolean clean) {
        Authentication result = env.backend().authenticate(clientId,
                auth == null ? null : auth.getUsername(), auth == null ? null : auth.getPassword());
        if (result == null) {
            throw new IllegalStateException("the backend returned no authentication outcome");
        }
        if (!(result instanceof Authentication.Accepted)) {
            return new Decision(result, Map.of());
        }
        if (clean) {
            // Waiting here (a worker thread) keeps the order: the old session is gone before any new SUBSCRIBE.
            env.sessions().clear(clientId);
            return new Decision(result, Map.of());
        }
        return new Decision(result, env.sessions().load(clientId));
    }

    private static MqttConnectReturnCode returnCode(ConnectRefusal refusal) {
        return switch (refusal) {
            case IDENTIFIER_REJECTED -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case SERVER_UNAVAILABLE -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case BAD_USERNAME_OR_PASSWORD -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            case NOT_AUTHORIZED -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
        };
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 140 ? s : s.substring(0, 140) + "...";
    }
}
