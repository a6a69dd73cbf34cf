package dev.brink.core.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionStringTest {
    static final String KEY = SasTokensTest.KEY;

    @Test
    void deviceFormRoundTrips() {
        String text = "HostName=myhub.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY;
        ConnectionString cs = ConnectionString.parse(text);
        assertThat(cs.hostName()).isEqualTo("myhub.azure-devices.net");
        assertThat(cs.deviceId()).isEqualTo("dev1");
        assertThat(cs.moduleId()).isNull();
        assertThat(cs.sharedAccessKey()).isEqualTo(KEY).endsWith("=");
        assertThat(cs.sharedAccessKeyName()).isNull();
        assertThat(cs.gatewayHostName()).isNull();
        assertThat(cs.isService()).isFalse();
        assertThat(cs.toString()).isEqualTo(text);
        assertThat(ConnectionString.parse(cs.toString())).isEqualTo(cs);
    }

    @Test
    void moduleFormWithGatewayRoundTrips() {
        String text = "HostName=hub.local;DeviceId=edge1;ModuleId=$edgeHub;SharedAccessKey=" + KEY
                + ";GatewayHostName=edge.local";
        ConnectionString cs = ConnectionString.parse(text);
        assertThat(cs.moduleId()).isEqualTo("$edgeHub");
        assertThat(cs.gatewayHostName()).isEqualTo("edge.local");
        assertThat(cs.toString()).isEqualTo(text);
        assertThat(cs).isEqualTo(ConnectionString.forModule("hub.local", "edge1", "$edgeHub", KEY)
                .withGateway("edge.local"));
    }

    @Test
    void serviceFormRoundTrips() {
        String text = "HostName=hub.local;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY;
        ConnectionString cs = ConnectionString.parse(text);
        assertThat(cs.isService()).isTrue();
        assertThat(cs.sharedAccessKeyName()).isEqualTo("iothubowner");
        assertThat(cs.deviceId()).isNull();
        assertThat(cs.toString()).isEqualTo(text);
        assertThat(ConnectionString.forService("hub.local", "iothubowner", KEY)).isEqualTo(cs);
    }

    @Test
    void partsInAnyOrderWithTrailingSemicolonFormatCanonically() {
        ConnectionString cs = ConnectionString.parse("SharedAccessKey=" + KEY + ";DeviceId=d;HostName=h;");
        assertThat(cs.toString()).isEqualTo("HostName=h;DeviceId=d;SharedAccessKey=" + KEY);
        assertThat(cs).isEqualTo(ConnectionString.forDevice("h", "d", KEY));
    }

    @Test
    void valuesSplitOnFirstEquals() {
        String doublePadded = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==";
        ConnectionString cs = ConnectionString.parse("HostName=h;DeviceId=a=b;SharedAccessKey=" + doublePadded);
        assertThat(cs.deviceId()).isEqualTo("a=b");
        assertThat(cs.sharedAccessKey()).isEqualTo(doublePadded);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "DeviceId=d;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId=d",
        "HostName=h;DeviceId=d;SharedAccessKey=",
        "HostName=;DeviceId=d;SharedAccessKey=" + KEY,
        "HostName=h;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId=d;SharedAccessKeyName=p;SharedAccessKey=" + KEY,
        "HostName=h;ModuleId=m;SharedAccessKeyName=p;SharedAccessKey=" + KEY,
        "hostname=h;DeviceId=d;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId=d;SharedAccessKey=" + KEY + ";Foo=bar",
        "HostName=h;HostName=h2;DeviceId=d;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId=a/b;SharedAccessKey=" + KEY,
        "HostName=h;DeviceId=d;SharedAccessKey=not*base64",
    })
    void invalidStringsAreArgumentInvalid(String text) {
        assertThatThrownBy(() -> ConnectionString.parse(text))
                .isInstanceOf(BrinkException.class)
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
    }

    @Test
    void messagesNameWhatIsMissing() {
        assertThatThrownBy(() -> ConnectionString.parse("DeviceId=d;SharedAccessKey=" + KEY))
                .hasMessageContaining("missing HostName");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h;DeviceId=d"))
                .hasMessageContaining("missing SharedAccessKey");
        assertThatThrownBy(() -> ConnectionString.parse("HostName=h;deviceid=d;SharedAccessKey=" + KEY))
                .hasMessageContaining("unknown key 'deviceid'");
    }

    @Test
    void parsedStringSignsTokensThatVerify() {
        ConnectionString cs = ConnectionString.parse("HostName=hub.local;DeviceId=d1;SharedAccessKey=" + KEY);
        SasToken t = SasToken.parse(SasTokens.create(cs.hostName() + "/devices/" + cs.deviceId(),
                cs.sharedAccessKey(), 1_700_000_000L, null));
        assertThat(SasTokens.signatureMatches(t, cs.sharedAccessKey())).isTrue();
    }
}
