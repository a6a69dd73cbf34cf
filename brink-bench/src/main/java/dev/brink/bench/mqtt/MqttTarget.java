package dev.brink.bench.mqtt;

import java.nio.file.Path;
import java.util.List;

/**
 * A broker under test: where it listens (TLS), which CA certificate to trust, and the devices' logins.
 *
 * @param pid the broker's process id, for RSS and per-thread CPU (0 when unknown)
 */
record MqttTarget(String name, String host, int port, Path caPem, List<DeviceLogin> devices, long pid) {
}
