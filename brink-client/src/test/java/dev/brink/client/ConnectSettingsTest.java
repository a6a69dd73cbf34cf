package dev.brink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class ConnectSettingsTest {

    @Test
    void deviceConnectFieldsMatchTheJavaSdk() {
        ConnectSettings s = ConnectSettings.of("myhub.azure-devices.net", "dev1", null, null, null);
        assertThat(s.clientId()).isEqualTo("dev1");
        assertThat(s.username()).isEqualTo(
                "myhub.azure-devices.net/dev1/?api-version=2020-09-30&DeviceClientType=brink-client%2F0.1");
        assertThat(s.audience()).isEqualTo("myhub.azure-devices.net/devices/dev1");
        assertThat(s.serverUri()).isEqualTo("ssl://myhub.azure-devices.net:8883");
        assertThat(s.viaGateway()).isFalse();
        assertThat(s.isModule()).isFalse();
    }

    @Test
    void moduleThroughGatewayDialsTheGatewayButNamesTheHub() {
        ConnectSettings s = ConnectSettings.of("myhub.azure-devices.net", "edge1", "filter", "edgehost.local", null);
        assertThat(s.clientId()).isEqualTo("edge1/filter");
        assertThat(s.username()).startsWith("myhub.azure-devices.net/edge1/filter/?api-version=2020-09-30&");
        assertThat(s.audience()).isEqualTo("myhub.azure-devices.net/devices/edge1/modules/filter");
        assertThat(s.serverUri()).isEqualTo("ssl://edgehost.local:8883");
        assertThat(s.viaGateway()).isTrue();
    }

    @Test
    void hostPortExtensionAndPortOverride() {
        ConnectSettings hub = ConnectSettings.of("localhost:18883", "d", null, null, null);
        assertThat(hub.hubHostName()).isEqualTo("localhost");
        assertThat(hub.audience()).isEqualTo("localhost/devices/d");
        assertThat(hub.serverUri()).isEqualTo("ssl://localhost:18883");

        ConnectSettings gw = ConnectSettings.of("hub.example:1", "d", "m", "127.0.0.2:9999", null);
        assertThat(gw.serverUri()).isEqualTo("ssl://127.0.0.2:9999");
        assertThat(gw.username()).startsWith("hub.example/d/m/?");

        assertThat(ConnectSettings.of("localhost:18883", "d", null, null, 2000).serverUri())
                .isEqualTo("ssl://localhost:2000");
        assertThat(ConnectSettings.of("[::1]:8884", "d", null, null, null).serverUri()).isEqualTo("ssl://[::1]:8884");
        assertThat(ConnectSettings.of("[::1]", "d", null, null, null).port()).isEqualTo(8883);
    }

    @Test
    void badHostsAndIdsAreRefusedClearly() {
        assertThatThrownBy(() -> ConnectSettings.of("h:x", "d", null, null, null))
                .isInstanceOf(IotHubClientException.class).hasMessageContaining("HostName").hasMessageContaining("port");
        assertThatThrownBy(() -> ConnectSettings.of("h", "d", null, "gw:70000", null))
                .hasMessageContaining("GatewayHostName");
        assertThatThrownBy(() -> ConnectSettings.of("::1", "d", null, null, null)).hasMessageContaining("brackets");
        assertThatThrownBy(() -> ConnectSettings.of("h", "bad/id", null, null, null))
                .hasMessageContaining("invalid device id");
        IotHubClientException e = (IotHubClientException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ConnectSettings.of(":1", "d", null, null, null));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        assertThat(e.status()).isEqualTo(400);
    }
}
