package dev.brink.client.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import org.junit.jupiter.api.Test;

class ServiceEndpointTest {
    private static final String KEY = "dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdGtleTEyMzQ=";

    @Test
    void portDefaultsTo443() {
        ServiceEndpoint e = ServiceEndpoint.parse("HostName=Hub.Example;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);
        assertThat(e.host()).isEqualTo("Hub.Example");
        assertThat(e.port()).isEqualTo(443);
        assertThat(e.keyName()).isEqualTo("iothubowner");
        assertThat(e.hostAndPort()).isEqualTo("Hub.Example");
        assertThat(e.toString()).doesNotContain(KEY);
    }

    @Test
    void explicitPort() {
        ServiceEndpoint e = ServiceEndpoint.parse("HostName=localhost:8443;SharedAccessKeyName=p;SharedAccessKey=" + KEY);
        assertThat(e.host()).isEqualTo("localhost");
        assertThat(e.port()).isEqualTo(8443);
        assertThat(e.hostAndPort()).isEqualTo("localhost:8443");
    }

    @Test
    void deviceConnectionStringIsRejected() {
        assertThatThrownBy(() -> ServiceEndpoint.parse("HostName=h;DeviceId=d;SharedAccessKey=" + KEY))
                .isInstanceOf(BrinkException.class).hasMessageContaining("SharedAccessKeyName");
        assertThatThrownBy(() -> ServiceEndpoint.parse("HostName=h:x;SharedAccessKeyName=p;SharedAccessKey=" + KEY))
                .isInstanceOf(BrinkException.class).hasMessageContaining("port");
    }

    @Test
    void idsAreEscapedOnlyWhereAPathNeedsIt() {
        assertThat(HubServiceClient.twinPath("dev1", "$edgeAgent")).isEqualTo("/twins/dev1/modules/$edgeAgent");
        assertThat(HubServiceClient.devicePath("a#b?c%d")).isEqualTo("/devices/a%23b%3Fc%25d");
    }
}
