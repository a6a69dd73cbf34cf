package dev.brink.mqtt;

import io.vertx.core.net.KeyCertOptions;

/**
 * Where and how the head listens: host and port of the MQTT/TLS listener (port 0 = ephemeral), the server
 * certificate, the number of event loops serving it, and a name for log lines ("hub", "edge hub").
 */
public record HeadOptions(String name, String host, int port, KeyCertOptions serverCertificate, int eventLoops) {

    /** One event loop per core, 1..4 (system property {@code brink.mqtt.eventLoops} overrides). */
    public static int defaultEventLoops() {
        return Integer.getInteger("brink.mqtt.eventLoops",
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }
}
