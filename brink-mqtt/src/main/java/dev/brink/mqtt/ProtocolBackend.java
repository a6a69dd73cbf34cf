package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;
import java.util.concurrent.CompletableFuture;

/**
 * What a server puts behind the {@link ProtocolHead}: the hub (events log, twins in hub.db, C2D queue) or the
 * edge hub (identity cache, message store and routes, twin cache, module inputs). The head owns the MQTT
 * protocol rules (topics, refusals, QoS, sessions' wire side, PUBACK order, token expiry, takeover); the
 * backend owns what the operations mean. Calls marked "blocking" run on a Vert.x worker thread; futures may
 * complete on any thread (the head hops back to the connection's event loop).
 */
public interface ProtocolBackend {

    /** Blocking. Checks a CONNECT's client id, user name and SAS password (reference §1.2). */
    Authentication authenticate(String clientId, String username, String password);

    /** The persistent-session subscriptions (CleanSession=0) of client ids. */
    SessionStore sessions();

    /**
     * A device-to-cloud message from {@code from} (telemetry or, with {@code $.on}, a module output). The head has
     * checked the topic names {@code from}, the size limit and QoS, and stamped {@code $.cdid}/{@code $.cmid}.
     * The future completes when the message is durable (the head PUBACKs QoS 1 then, in PUBLISH order) and fails
     * with {@link MessageRefusedException} when the backend refuses it (the head closes the connection, the only
     * refusal MQTT 3.1.1 has, logging the reason), or with any other exception on an internal failure (closed
     * too, without PUBACK: the client resends).
     */
    CompletableFuture<Void> accept(IdentityKey from, InboundMessage message);

    /** Twin GET of the connection's own identity. */
    CompletableFuture<TwinReply> getTwin(IdentityKey who);

    /** Reported-properties PATCH of the connection's own identity; {@code expectedVersion} may be null. */
    CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch);

    /** Durable QoS 1 deliveries to clients (C2D messages; module inputs on the edge). */
    Deliveries deliveries();

    /** Told when identities connect, disconnect and act (for connection state and metrics). */
    ConnectionListener connectionListener();
}
