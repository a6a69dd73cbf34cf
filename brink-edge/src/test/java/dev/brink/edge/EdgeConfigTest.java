package dev.brink.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.edge.hub.EdgeHubConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge.toml}: every key, the defaults, and errors that name the key. */
class EdgeConfigTest {
    private static final String CS = "HostName=hub.example.com;DeviceId=edge1;SharedAccessKey=a2V5";

    @TempDir
    Path dir;

    @Test
    void readsEveryKeyWithPathsRelativeToTheFile() throws IOException {
        EdgeConfig c = load("""
                connection_string = "HostName=hub.example.com:18883;DeviceId=edge1;SharedAccessKey=a2V5"
                data_dir = "data"
                log_level = "debug"
                [hub]
                host = "10.0.0.5"
                https_port = 8443
                mqtt_port = 9883
                ca_file = "certs/hub-ca.pem"
                [runtime]
                type = "docker"
                docker_uri = "unix:///run/podman/podman.sock"
                [listen]
                gateway_host_name = "edge1.local"
                workload_tcp_port = 15580
                management_socket = "/run/brink/mgmt.sock"
                [restart]
                base_delay = "250ms"
                max_delay = "2m"
                [edge_hub]
                enabled = true
                host = "0.0.0.0"
                mqtt_port = 18883
                https_port = 0
                metrics_enabled = false
                metrics_port = 19600
                """);
        assertThat(c.edgeHub()).isEqualTo(new EdgeHubConfig(true, "0.0.0.0", 18883, 0, false, 19600));
        assertThat(c.modulesGatewayHostName()).isEqualTo("edge1.local"); // a wildcard is not dialable
        assertThat(c.edgeHubDataDir()).isEqualTo(dir.resolve("data").toAbsolutePath().resolve("edgehub"));
        assertThat(c.parsedConnectionString().deviceId()).isEqualTo("edge1");
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath());
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.hubHost()).isEqualTo("10.0.0.5");
        assertThat(c.hubHttpsPort()).isEqualTo(8443);
        assertThat(c.hubMqttPort()).isEqualTo(9883);
        assertThat(c.hubCaFile()).isEqualTo(dir.resolve("certs/hub-ca.pem").toAbsolutePath());
        assertThat(c.runtimeType()).isEqualTo("docker");
        assertThat(c.dockerUri()).isEqualTo(URI.create("unix:///run/podman/podman.sock"));
        assertThat(c.gatewayHostName()).isEqualTo("edge1.local");
        assertThat(c.workloadTcpPort()).isEqualTo(15580);
        assertThat(c.managementSocket()).isEqualTo(Path.of("/run/brink/mgmt.sock"));
        assertThat(c.restartBaseDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.restartMaxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.hubHttpsAuthority()).isEqualTo("10.0.0.5:8443");
        assertThat(c.toString()).doesNotContain("a2V5");
    }

    @Test
    void defaults() throws IOException {
        EdgeConfig c = load("connection_string = \"" + CS + "\"\n");
        assertThat(c.dataDir()).isEqualTo(EdgeConfig.DEFAULT_DATA_DIR);
        assertThat(c.hubHost()).isEqualTo("hub.example.com");
        assertThat(c.hubHttpsPort()).isEqualTo(8443);
        assertThat(c.hubMqttPort()).isEqualTo(8883);
        assertThat(c.hubCaFile()).isNull();
        assertThat(c.runtimeType()).isEqualTo("process");
        assertThat(c.dockerUri()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
        assertThat(c.gatewayHostName()).isNull();
        assertThat(c.workloadTcpPort()).isNull();
        assertThat(c.managementSocket()).isEqualTo(EdgeConfig.DEFAULT_DATA_DIR.resolve("mgmt.sock"));
        assertThat(c.restartBaseDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.restartMaxDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.logLevel()).isEqualTo("info");
        assertThat(c.edgeHub()).isEqualTo(new EdgeHubConfig(true, "127.0.0.2", 8883, 8443, true, 9600));
        assertThat(c.modulesGatewayHostName()).isEqualTo("127.0.0.2");
        // the MQTT port may ride on HostName; the management socket follows the data dir
        EdgeConfig withPort = load("connection_string = \"HostName=h:1883;DeviceId=e;SharedAccessKey=a2V5\"\n"
                + "data_dir = \"d\"\n");
        assertThat(withPort.hubMqttPort()).isEqualTo(1883);
        assertThat(withPort.hubHost()).isEqualTo("h");
        assertThat(withPort.managementSocket()).isEqualTo(dir.resolve("d").toAbsolutePath().resolve("mgmt.sock"));
    }

    @Test
    void durationsInEveryForm() throws IOException {
        for (String[] c : new String[][] {{"\"10s\"", "PT10S"}, {"\"5m\"", "PT5M"}, {"\"1h\"", "PT1H"},
            {"\"250ms\"", "PT0.25S"}, {"\"PT3S\"", "PT3S"}, {"7", "PT7S"}, {"1.5", "PT1.5S"}}) {
            EdgeConfig config = load("connection_string = \"" + CS + "\"\n[restart]\nbase_delay = " + c[0]
                    + "\nmax_delay = \"2h\"\n");
            assertThat(config.restartBaseDelay()).as(c[0]).isEqualTo(Duration.parse(c[1]));
        }
    }

    @Test
    void gatewayHostNameForModules() throws IOException {
        // the edge hub enabled: a configured gateway name wins (the name clients dial), else the edge hub's host
        assertThat(load(base() + "[listen]\ngateway_host_name = \"edge1.local\"\n").modulesGatewayHostName())
                .isEqualTo("edge1.local");
        assertThat(load(base() + "[edge_hub]\nhost = \"127.0.0.3\"\n").modulesGatewayHostName())
                .isEqualTo("127.0.0.3");
        // disabled: only an external gateway, if one is configured; else modules talk to the hub
        assertThat(load(base() + "[edge_hub]\nenabled = false\n").modulesGatewayHostName()).isNull();
        assertThat(load(base() + "[edge_hub]\nenabled = false\n[listen]\ngateway_host_name = \"gw\"\n")
                .modulesGatewayHostName()).isEqualTo("gw");
        assertThat(EdgeConfig.of(CS, null, null, null).modulesGatewayHostName()).isEqualTo("127.0.0.2");
    }

    @Test
    void errorsNameTheKey() {
        assertError("data_dir = \"x\"\n", "connection_string is required");
        assertError("connection_string = \"HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=a2V5\"\n",
                "connection_string must be an edge device's connection string");
        assertError(base() + "data-dir = \"x\"\n", "unknown key data-dir");
        assertError(base() + "[hub]\nhttps-port = 1\n", "unknown key hub.https-port");
        assertError(base() + "[restart]\nbase = \"1s\"\n", "unknown key restart.base");
        assertError(base() + "[hub]\nhttps_port = \"443\"\n", "hub.https_port must be a port number");
        assertError(base() + "[hub]\nmqtt_port = 70000\n", "hub.mqtt_port must be a port number");
        assertError(base() + "[listen]\nworkload_tcp_port = -1\n", "listen.workload_tcp_port must be a port number");
        assertError(base() + "[runtime]\ntype = \"podman\"\n", "runtime.type must be \"process\" or \"docker\"");
        assertError(base() + "[runtime]\ndocker_uri = \"no scheme\"\n", "runtime.docker_uri");
        assertError(base() + "[restart]\nbase_delay = \"soon\"\n", "restart.base_delay \"soon\" is not a duration");
        assertError(base() + "[restart]\nmax_delay = \"5x\"\n", "restart.max_delay");
        assertError(base() + "[hub]\nhost = 5\n", "hub.host must be a string");
        assertError(base() + "hub = \"h\"\n", "hub must be a table");
        assertError(base() + "log_level = [1]\n", "log_level must be a string");
        assertError(base() + "[hub\n", "cannot read the edge config");
        assertError(base() + "[edge_hub]\nmqtt-port = 1\n", "unknown key edge_hub.mqtt-port");
        assertError(base() + "[edge_hub]\nenabled = \"yes\"\n", "edge_hub.enabled must be true or false");
        assertError(base() + "[edge_hub]\nhttps_port = 65536\n", "edge_hub.https_port must be a port number (0-65535)");
        assertError(base() + "[edge_hub]\nmetrics_port = -1\n", "edge_hub.metrics_port must be a port number");
        assertError(base() + "[edge_hub]\nhost = 127\n", "edge_hub.host must be a string");
        assertError(base() + "edge_hub = 1\n", "edge_hub must be a table");
        assertError(base() + "[edge_hub]\nhost = \"0.0.0.0\"\n", "set listen.gateway_host_name");
    }

    @Test
    void quickStartConfig() {
        EdgeConfig c = EdgeConfig.of(CS, null, Path.of("d"), "DOCKER");
        assertThat(c.runtimeType()).isEqualTo("docker");
        assertThat(c.managementSocket()).isEqualTo(Path.of("d", "mgmt.sock"));
    }

    private static String base() {
        return "connection_string = \"" + CS + "\"\n";
    }

    private void assertError(String toml, String message) {
        assertThatThrownBy(() -> load(toml)).as(toml).isInstanceOf(BrinkException.class).hasMessageContaining(message);
    }

    private EdgeConfig load(String toml) throws IOException {
        return EdgeConfig.load(Files.writeString(dir.resolve("edge.toml"), toml));
    }
}
