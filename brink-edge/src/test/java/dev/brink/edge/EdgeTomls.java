package dev.brink.edge;

import dev.brink.hub.HubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code edge.toml} of the tests that start an edge runtime against an in-process hub: the connection string,
 * data dir {@code edge-data} and {@code [hub]} (with the hub's CA written beside it) are always the same; the
 * {@code [edge_hub]}, {@code [runtime]}, {@code [restart]}… sections are each test's own.
 */
public final class EdgeTomls {
    /** The edge hub on 127.0.0.2 with every port ephemeral (tests that do not need the SDK's fixed 8883). */
    public static final String EPHEMERAL_EDGE_HUB = edgeHub("127.0.0.2", 0, 0);

    private EdgeTomls() {
    }

    /** Writes {@code dir/edge.toml} for {@code hub} as it is listening now, then {@code sections}. */
    public static Path write(Path dir, HubServer hub, String deviceId, String deviceKey, String sections)
            throws IOException {
        return write(dir, hub.hostName(), hub.config().mqttPort(), hub.httpsPort(), hub.caCertificatePem(), deviceId,
                deviceKey, sections);
    }

    /** The same for a hub given by its address (one that is stopped and started again on fixed ports). */
    public static Path write(Path dir, String hubHost, int hubMqttPort, int hubHttpsPort, String hubCaPem,
            String deviceId, String deviceKey, String sections) throws IOException {
        Path ca = Files.writeString(dir.resolve("hub-ca.pem"), hubCaPem);
        return Files.writeString(dir.resolve("edge.toml"), """
                connection_string = "HostName=%s:%d;DeviceId=%s;SharedAccessKey=%s"
                data_dir = "edge-data"
                [hub]
                https_port = %d
                ca_file = "%s"
                """.formatted(hubHost, hubMqttPort, deviceId, deviceKey, hubHttpsPort, ca) + sections);
    }

    /** An {@code [edge_hub]} section; HTTPS always ephemeral. */
    public static String edgeHub(String host, int mqttPort, int metricsPort) {
        return """
                [edge_hub]
                host = "%s"
                mqtt_port = %d
                https_port = 0
                metrics_port = %d
                """.formatted(host, mqttPort, metricsPort);
    }

    /** A {@code [restart]} section. */
    public static String restart(String baseDelay, String maxDelay) {
        return """
                [restart]
                base_delay = "%s"
                max_delay = "%s"
                """.formatted(baseDelay, maxDelay);
    }
}
