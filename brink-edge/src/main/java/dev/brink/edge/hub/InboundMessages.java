package dev.brink.edge.hub;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.core.message.PropertyBag;
import dev.brink.core.route.MessageSource;
import dev.brink.mqtt.InboundMessage;
import java.time.Clock;

/** From the protocol head's {@link InboundMessage} to the edge hub's {@link Message}, and its source. */
final class InboundMessages {
    private InboundMessages() {
    }

    /**
     * System properties by wire name become fields ({@code $.mid} → messageId, {@code $.on} → outputName …; unknown
     * {@code $.x} keys stay application properties), application properties keep their order. The sender's
     * identity is stamped from the authenticated connection — whatever {@code $.cdid}/{@code $.cmid} the bag carried
     * — so a message is always attributed, and routed, as the identity that sent it. {@code enqueuedTime} is the
     * receive time.
     */
    static Message toMessage(IdentityKey from, InboundMessage in, Clock clock) {
        return new PropertyBag.Parsed(in.systemProperties(), in.applicationProperties()).toBuilder()
                .body(in.body())
                .connectionDeviceId(from.deviceId())
                .connectionModuleId(from.moduleId())
                .enqueuedTime(in.receivedAt() != null ? in.receivedAt() : clock.instant())
                .build();
    }

    /**
     * The route source: a module of this edge device is {@code /messages/modules/{m}[/outputs/{o}]}; everything
     * else — child devices, and modules of child devices, whose names the routes of this deployment do not
     * own — is device telemetry ({@code /messages}).
     */
    static MessageSource source(String edgeDeviceId, IdentityKey from, Message message) {
        return from.isModule() && from.deviceId().equals(edgeDeviceId)
                ? MessageSource.module(from.moduleId(), message.outputName()) : MessageSource.TELEMETRY;
    }

    /** The identity a stored message was accepted from (its stamped connection ids). */
    static IdentityKey sender(Message message, String edgeDeviceId) {
        String device = message.connectionDeviceId() == null ? edgeDeviceId : message.connectionDeviceId();
        return message.connectionModuleId() == null ? IdentityKey.device(device)
                : IdentityKey.module(device, message.connectionModuleId());
    }
}
