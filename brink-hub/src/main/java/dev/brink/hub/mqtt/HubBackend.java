package dev.brink.hub.mqtt;

import dev.brink.core.id.IdentityKey;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.events.EventLog;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ConnectionListener;
import dev.brink.mqtt.Deliveries;
import dev.brink.mqtt.InboundMessage;
import dev.brink.mqtt.ProtocolBackend;
import dev.brink.mqtt.SessionStore;
import dev.brink.mqtt.TwinReply;
import java.util.concurrent.CompletableFuture;

/**
 * What the hub puts behind the shared protocol head: SAS authentication against the registry
 * ({@link DeviceAuthenticator}), persistent sessions in hub.db ({@link HubSessions}), telemetry appended to the
 * durable events log, twins in hub.db ({@link TwinRequests}), the C2D queue ({@link C2dDeliveries}) and the
 * registry's connection state ({@link ConnectionActivity}). Plain delegation; the rules live in the parts.
 */
final class HubBackend implements ProtocolBackend {
    private final DeviceAuthenticator authenticator;
    private final HubSessions sessions;
    private final EventLog events;
    private final TwinRequests twins;
    private final C2dDeliveries deliveries;
    private final ConnectionActivity activity;

    HubBackend(DeviceAuthenticator authenticator, HubSessions sessions, EventLog events, TwinRequests twins,
            C2dDeliveries deliveries, ConnectionActivity activity) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.events = events;
        this.twins = twins;
        this.deliveries = deliveries;
        this.activity = activity;
    }

    @Override
    public Authentication authenticate(String clientId, String username, String password) {
        return authenticator.authenticate(clientId, username, password);
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * Appends the message to the events log; the future completes when the group commit holding it was synced
     * ({@code EventBatchWriter}), in append order. The log never refuses: a failure is internal (no PUBACK).
     */
    @Override
    public CompletableFuture<Void> accept(IdentityKey from, InboundMessage message) {
        DeviceEvent event = new DeviceEvent(null, message.receivedAt(), from.deviceId(), from.moduleId(),
                message.systemProperties(), message.applicationProperties(), message.body());
        return events.append(event).thenApply(offset -> null);
    }

    @Override
    public CompletableFuture<TwinReply> getTwin(IdentityKey who) {
        return twins.get(who);
    }

    @Override
    public CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch) {
        return twins.patchReported(who, expectedVersion, patch);
    }

    @Override
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public ConnectionListener connectionListener() {
        return activity;
    }
}
