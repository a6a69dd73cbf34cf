package dev.brink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.ErrorCode;
import dev.brink.core.message.Message;
import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientFactoryTest {
    private static final String KEY = Keys.generateKey();

    @Test
    void deviceFromConnectionStringSignsForTheHubNotTheGateway() {
        try (DeviceClient c = DeviceClient.fromConnectionString("HostName=hub.local:9000;DeviceId=dev1;SharedAccessKey="
                + KEY + ";GatewayHostName=edge.local")) {
            assertThat(c.settings().serverUri()).isEqualTo("ssl://edge.local:8883");
            Instant exp = Instant.now().plusSeconds(3600);
            SasToken t = SasToken.parse(c.tokenProvider().createToken(c.settings().audience(), exp));
            assertThat(t.resourceDecoded()).isEqualTo("hub.local/devices/dev1");
            assertThat(t.expiresAt()).isEqualTo(exp.getEpochSecond());
            assertThat(t.keyName()).isNull();
            assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
            assertThat(c.options().sasTokenLifetime().toSeconds()).isEqualTo(3600);
            assertThat(c.options().keepAlive().toSeconds()).isEqualTo(230);
        }
    }

    @Test
    void moduleFromConnectionString() {
        try (ModuleClient c = ModuleClient.fromConnectionString(
                "HostName=hub.local;DeviceId=edge1;ModuleId=filter;SharedAccessKey=" + KEY,
                ClientOptions.builder().port(18883).build())) {
            assertThat(c.moduleId()).isEqualTo("filter");
            assertThat(c.settings().clientId()).isEqualTo("edge1/filter");
            assertThat(c.settings().serverUri()).isEqualTo("ssl://hub.local:18883");
            SasToken t = SasToken.parse(c.tokenProvider().createToken(c.settings().audience(), Instant.now()));
            assertThat(t.resourceDecoded()).isEqualTo("hub.local/devices/edge1/modules/filter");
        }
    }

    @Test
    void wrongKindsOfConnectionStringAreRefused() {
        assertThatThrownBy(() -> DeviceClient.fromConnectionString("HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey="
                + KEY)).isInstanceOf(IotHubClientException.class).hasMessageContaining("ModuleClient");
        assertThatThrownBy(() -> DeviceClient.fromConnectionString("HostName=h;SharedAccessKeyName=service;"
                + "SharedAccessKey=" + KEY)).hasMessageContaining("service connection string");
        assertThatThrownBy(() -> ModuleClient.fromConnectionString("HostName=h;DeviceId=d;SharedAccessKey=" + KEY))
                .hasMessageContaining("needs ModuleId");
        assertThatThrownBy(() -> DeviceClient.fromConnectionString("HostName=h;DeviceId=d;SharedAccessKey=%%%"))
                .isInstanceOf(IotHubClientException.class).hasMessageContaining("invalid connection string");
        assertThatThrownBy(() -> DeviceClient.fromConnectionString("DeviceId=d;SharedAccessKey=" + KEY))
                .hasMessageContaining("HostName");
    }

    @Test
    void featuresThatNeedAnotherTopologyAreRefused() {
        try (DeviceClient viaGateway = DeviceClient.fromConnectionString("HostName=h;DeviceId=d;SharedAccessKey="
                + KEY + ";GatewayHostName=g");
             ModuleClient direct = ModuleClient.fromConnectionString("HostName=h;DeviceId=d;ModuleId=m;"
                     + "SharedAccessKey=" + KEY)) {
            assertThatThrownBy(() -> viaGateway.onMessage(m -> { })).isInstanceOf(IotHubClientException.class)
                    .hasMessageContaining("not delivered through a gateway");
            assertThatThrownBy(() -> direct.onInput("in1", m -> { })).hasMessageContaining("edge hub");
        }
    }

    @Test
    void operationsBeforeOpenAndAfterCloseFailClearly() {
        DeviceClient c = DeviceClient.fromConnectionString("HostName=h;DeviceId=d;SharedAccessKey=" + KEY);
        c.onMethod("reboot", r -> MethodResponse.ok(null));       // allowed before open: subscribed at open()
        IotHubClientException notOpen = (IotHubClientException) org.assertj.core.api.Assertions.catchThrowable(
                () -> c.sendEvent(Message.of("x")));
        assertThat(notOpen.errorCode()).isEqualTo(ErrorCode.InvalidOperation);
        assertThat(notOpen).hasMessageContaining("call open() first");
        assertThatThrownBy(c::getTwin).hasMessageContaining("call open() first");
        assertThat(c.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
        c.close();
        c.close();
        assertThatThrownBy(() -> c.sendEvent(Message.of("x"))).hasMessageContaining("closed");
        assertThatThrownBy(c::open).hasMessageContaining("closed");
    }

    @Test
    void oversizedTelemetryIsRefusedBeforeSending() {
        try (DeviceClient c = DeviceClient.fromConnectionString("HostName=h;DeviceId=d;SharedAccessKey=" + KEY)) {
            assertThatThrownBy(() -> c.sendEvent(Message.of(new byte[IotHubClient.MAX_MESSAGE_BYTES + 1])))
                    .isInstanceOf(IotHubClientException.class)
                    .satisfies(e -> assertThat(((IotHubClientException) e).errorCode())
                            .isEqualTo(ErrorCode.MessageTooLarge));
        }
    }

    @Test
    void badKeyIsRefusedByTheProvider() {
        assertThatThrownBy(() -> new KeySasTokenProvider("not base64!")).isInstanceOf(IotHubClientException.class)
                .hasMessageContaining("SharedAccessKey");
    }

    @Test
    void optionsValidateTheirBounds() {
        assertThatThrownBy(() -> ClientOptions.builder().port(0).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> ClientOptions.builder().tokenRenewalFraction(1.0).build())
                .hasMessageContaining("tokenRenewalFraction");
        assertThatThrownBy(() -> ClientOptions.builder().reconnectBackoff(java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(1)).build()).hasMessageContaining("reconnect");
    }
}
