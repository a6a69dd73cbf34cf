package dev.brink.bench.mqtt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The Mosquitto baseline a benchmark runs beside the hub (started by run-mqtt.sh), as picocli options. */
final class MosquittoBaseline {
    @Option(names = "--mosquitto-port", description = "Mosquitto's TLS port (0 = no baseline).")
    int port;

    @Option(names = "--mosquitto-ca", description = "The CA certificate Mosquitto's server certificate chains to.")
    Path caPem;

    @Option(names = "--mosquitto-pid", description = "Mosquitto's pid, for its RSS and CPU use.")
    long pid;

    boolean enabled() {
        return port != 0;
    }

    /** Mosquitto with {@code devices} anonymous clients named {@code prefix-00000} …. */
    MqttTarget target(String prefix, int devices) {
        List<DeviceLogin> logins = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            logins.add(DeviceLogin.anonymous(String.format("%s-%05d", prefix, i)));
        }
        return new MqttTarget("Mosquitto", "127.0.0.1", port, caPem, logins, pid);
    }
}
