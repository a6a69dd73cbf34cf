package dev.brink.core.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SasTokenTest {
    static final String SIG = "MXrV7dIYA4Nv1boM3d4kgQQtxA3MyMN%2FBRPwZ8fvsA0%3D";

    @Test
    void fieldsInAnyOrder() {
        String[] orders = {
            "sr=h/devices/d&sig=" + SIG + "&se=1700000000&skn=svc",
            "skn=svc&se=1700000000&sig=" + SIG + "&sr=h/devices/d",
            "sig=" + SIG + "&skn=svc&sr=h/devices/d&se=1700000000",
        };
        for (String body : orders) {
            SasToken t = SasToken.parse("SharedAccessSignature " + body);
            assertThat(t.resourceRaw()).isEqualTo("h/devices/d");
            assertThat(t.signature()).isEqualTo("MXrV7dIYA4Nv1boM3d4kgQQtxA3MyMN/BRPwZ8fvsA0=");
            assertThat(t.expiryRaw()).isEqualTo("1700000000");
            assertThat(t.expiresAt()).isEqualTo(1_700_000_000L);
            assertThat(t.keyName()).isEqualTo("svc");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "sr=h&sig=" + SIG + "&se=1",
        "sharedaccesssignature sr=h&sig=" + SIG + "&se=1",
        "SharedAccessSignature ",
        "SharedAccessSignature sig=" + SIG + "&se=1",
        "SharedAccessSignature sr=h&se=1",
        "SharedAccessSignature sr=h&sig=" + SIG,
        "SharedAccessSignature sr=&sig=" + SIG + "&se=1",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=12abc",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=-5",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=1.5",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=99999999999999999999999",
        "SharedAccessSignature sr=h&sig=not*base64!&se=1",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=1&se=2",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=1&foo=bar",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=1&",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se=1&skn=",
        "SharedAccessSignature sr=h&sig=" + SIG + "&se",
    })
    void malformedTokensAreUnauthorizedWithAClearMessage(String token) {
        assertThatThrownBy(() -> SasToken.parse(token))
                .isInstanceOf(BrinkException.class)
                .hasMessageStartingWith("malformed SAS token: ")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized);
    }

    @Test
    void nullIsUnauthorized() {
        assertThatThrownBy(() -> SasToken.parse(null)).isInstanceOf(BrinkException.class);
    }

    @Test
    void messagesNameTheProblem() {
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=h&sig=" + SIG))
                .hasMessageContaining("'se' is missing");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=h&sig=" + SIG + "&se=soon"))
                .hasMessageContaining("'se' must be the expiry in epoch seconds, got 'soon'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=h&sig=%%%&se=1"))
                .hasMessageContaining("'sig' is not base64");
    }

    @Test
    void resourceDecodesOnceAndKeepsPlusAndStrayPercent() {
        SasToken t = SasToken.parse("SharedAccessSignature sr=h%2Fdevices%2Fa%2Bb%2525&sig=" + SIG + "&se=1");
        assertThat(t.resourceRaw()).isEqualTo("h%2Fdevices%2Fa%2Bb%2525");
        assertThat(t.resourceDecoded()).isEqualTo("h/devices/a+b%25");
        SasToken raw = SasToken.parse("SharedAccessSignature sr=h/devices/a+b%zz&sig=" + SIG + "&se=1");
        assertThat(raw.resourceDecoded()).isEqualTo("h/devices/a+b%zz");
    }

    @Test
    void toStringRedactsTheSignature() {
        SasToken t = SasToken.parse("SharedAccessSignature sr=h&sig=" + SIG + "&se=1");
        assertThat(t.toString()).doesNotContain("MXrV7").contains("redacted").contains("sr=h");
    }
}
