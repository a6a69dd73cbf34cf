package dev.brink.edge.hub;

import dev.brink.edge.hub.delivery.Pumps;
import dev.brink.edge.hub.identity.IdentityCache;
import dev.brink.edge.hub.routing.MessageRouter;
import dev.brink.edge.hub.store.MessageStore;
import dev.brink.edge.hub.twin.TwinCache;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.Deliveries;
import java.util.Objects;

/**
 * What the edge hub is composed of, by interface (the composition root, EdgeRuntime, builds the concrete
 * classes). {@link EdgeHub#start} takes ownership: from then on the edge hub closes every part, in dependency
 * order, also when its start fails.
 *
 * @param store        messages.db: accepted messages and one queue per endpoint and priority
 * @param pumps        forwarding loops of push endpoints ({@code $upstream})
 * @param moduleInputs durable QoS 1 deliveries of module inputs (pulled by the protocol head)
 * @param upstream     the link to the hub, one connection per identity the edge hub acts for
 * @param identities   identities.db: modules and child devices in scope, for offline authentication
 * @param twins        twins.db: twin cache and reported outbox; built with {@link #desiredSink} as its sink
 * @param router       the routes of {@code $edgeHub}
 * @param desiredSink  where the twin cache sends desired patches (the edge hub binds it at start)
 */
public record EdgeHubParts(MessageStore store, Pumps pumps, Deliveries moduleInputs, Upstream upstream,
                           IdentityCache identities, TwinCache twins, MessageRouter router, DesiredSink desiredSink) {
    public EdgeHubParts {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(pumps, "pumps");
        Objects.requireNonNull(moduleInputs, "moduleInputs");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(identities, "identities");
        Objects.requireNonNull(twins, "twins");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(desiredSink, "desiredSink");
    }
}
