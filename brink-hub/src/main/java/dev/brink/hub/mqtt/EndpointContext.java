package dev.brink.hub.mqtt;

import dev.brink.hub.c2d.CloudToDeviceQueue;
import dev.brink.hub.events.EventLog;
import dev.brink.hub.store.HubStore;
import io.vertx.core.Vertx;
import java.time.Clock;

/** What every connection of the endpoint shares (constructor wiring without long parameter lists). */
record EndpointContext(Vertx vertx, Clock clock, HubStore store, EventLog events, CloudToDeviceQueue c2d,
                       TwinRequests twins, DeviceConnections connections, ConnectionActivity activity) {
}
