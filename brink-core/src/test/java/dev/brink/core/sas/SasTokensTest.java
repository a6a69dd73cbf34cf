package dev.brink.core.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Signature vectors in the exact token shapes the official SDKs send. Expected signatures are computed here
 * independently with {@link Mac} over the literal strings, and one is pinned to an openssl-computed value.
 */
class SasTokensTest {
    /** Bytes 0x00..0x1f. */
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String SE = "1700000000";
    static final long SE_LONG = 1_700_000_000L;
    static final Instant BEFORE_EXPIRY = Instant.ofEpochSecond(SE_LONG - 60);

    static String hmac(String base64Key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void fixedVectorComputedWithOpenssl() throws Exception {
        // printf '%s\n%s' myhub.azure-devices.net/devices/dev1 1700000000 |
        //   openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f -binary | base64
        String expected = "MXrV7dIYA4Nv1boM3d4kgQQtxA3MyMN/BRPwZ8fvsA0=";
        assertThat(hmac(KEY, "myhub.azure-devices.net/devices/dev1\n" + SE)).isEqualTo(expected);
        assertThat(SasTokens.signature(KEY, "myhub.azure-devices.net/devices/dev1", SE)).isEqualTo(expected);

        SasToken token = SasToken.parse("SharedAccessSignature sig=" + urlEncode(expected)
                + "&se=" + SE + "&sr=myhub.azure-devices.net/devices/dev1");
        assertThat(SasTokens.signatureMatches(token, KEY)).isTrue();
    }

    @Test
    void javaDeviceSdkFormRawResourceSigSeSrOrder() throws Exception {
        String sr = "myhub.azure-devices.net/devices/dev1";
        String token = "SharedAccessSignature sig=" + urlEncode(hmac(KEY, sr + "\n" + SE)) + "&se=" + SE + "&sr=" + sr;

        SasToken t = SasToken.parse(token);
        assertThat(t.resourceRaw()).isEqualTo(sr);
        assertThat(t.resourceDecoded()).isEqualTo(sr);
        assertThat(t.keyName()).isNull();
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        assertThat(SasTokens.signatureMatches(t, OTHER_KEY)).isFalse();
        assertThat(SasAudience.of(t)).isEqualTo(new SasAudience("myhub.azure-devices.net", "dev1", null));
    }

    @Test
    void javaDeviceSdkFormWithSegmentEncodedSpecialIds() throws Exception {
        // IotHubUri URL-encodes each path segment; the token carries and signs that text.
        String sr = "myhub.azure-devices.net/devices/" + urlEncode("d#1%") + "/modules/" + urlEncode("m+2");
        assertThat(sr).isEqualTo("myhub.azure-devices.net/devices/d%231%25/modules/m%2B2");
        SasToken t = SasToken.parse("SharedAccessSignature sig=" + urlEncode(hmac(KEY, sr + "\n" + SE))
                + "&se=" + SE + "&sr=" + sr);
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        assertThat(SasAudience.of(t)).isEqualTo(new SasAudience("myhub.azure-devices.net", "d#1%", "m+2"));
    }

    @Test
    void javaEdgeHsmFormUrlEncoderEncodedResourceIsSignedEncoded() throws Exception {
        String sr = urlEncode("myhub.azure-devices.net/devices/edge1/modules/$edgeHub");
        assertThat(sr).isEqualTo("myhub.azure-devices.net%2Fdevices%2Fedge1%2Fmodules%2F%24edgeHub");
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + urlEncode(hmac(KEY, sr + "\n" + SE)) + "&se=" + SE;

        SasToken t = SasToken.parse(token);
        assertThat(t.resourceRaw()).isEqualTo(sr);
        assertThat(t.resourceDecoded()).isEqualTo("myhub.azure-devices.net/devices/edge1/modules/$edgeHub");
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        assertThat(SasAudience.of(t)).isEqualTo(new SasAudience("myhub.azure-devices.net", "edge1", "$edgeHub"));
    }

    @Test
    void signingTheDecodedResourceDoesNotMatchAnEncodedToken() throws Exception {
        // A server that decoded sr before hashing would accept this forgery shape; we must not.
        String sr = "myhub.azure-devices.net%2Fdevices%2Fdev1";
        String sigOverDecoded = hmac(KEY, "myhub.azure-devices.net/devices/dev1\n" + SE);
        SasToken t = SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=" + urlEncode(sigOverDecoded) + "&se=" + SE);
        assertThat(SasTokens.signatureMatches(t, KEY)).isFalse();
    }

    @Test
    void nodeFormEncodeUriComponentResourceSrSigSeOrder() throws Exception {
        // encodeURIComponent('myhub.azure-devices.net/devices/dev-1/modules/mod(1)') leaves ( ) unencoded.
        String sr = "myhub.azure-devices.net%2Fdevices%2Fdev-1%2Fmodules%2Fmod(1)";
        String sig = hmac(KEY, sr + "\n" + SE);
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + urlEncode(sig) + "&se=" + SE;

        SasToken t = SasToken.parse(token);
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        assertThat(SasAudience.of(t)).isEqualTo(new SasAudience("myhub.azure-devices.net", "dev-1", "mod(1)"));
    }

    @Test
    void javaServiceSdkFormLowerCasedEncodedHostWithSkn() throws Exception {
        String sr = urlEncode("MyHub.Azure-Devices.net:8443".toLowerCase());
        assertThat(sr).isEqualTo("myhub.azure-devices.net%3A8443");
        String token = "SharedAccessSignature sr=" + sr + "&sig=" + urlEncode(hmac(KEY, sr + "\n" + SE))
                + "&se=" + SE + "&skn=iothubowner";

        SasToken t = SasToken.parse(token);
        assertThat(t.keyName()).isEqualTo("iothubowner");
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        SasAudience audience = SasAudience.of(t);
        assertThat(audience.isHub()).isTrue();
        assertThat(audience.hostMatches("MYHUB.azure-devices.net:8443")).isTrue();
    }

    @Test
    void urlEncodedSigWithPlusSlashAndEquals() throws Exception {
        String sr = "myhub.azure-devices.net/devices/dev1";
        String se = "1700000001";
        // openssl value for se=1700000001: contains '+', '/' and '='.
        String sig = "Su8AhBlacLzvxCQ/xNhyr+4sGrQZQqi2sZHVHHmpXmY=";
        assertThat(hmac(KEY, sr + "\n" + se)).isEqualTo(sig);
        String encoded = "Su8AhBlacLzvxCQ%2FxNhyr%2B4sGrQZQqi2sZHVHHmpXmY%3D";
        assertThat(urlEncode(sig)).isEqualTo(encoded);

        SasToken t = SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=" + encoded + "&se=" + se);
        assertThat(t.signature()).isEqualTo(sig);
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();

        // Lower-case hex escapes and an unencoded signature are accepted too: '+' is not a space here.
        SasToken lower = SasToken.parse("SharedAccessSignature sr=" + sr
                + "&sig=Su8AhBlacLzvxCQ%2fxNhyr%2b4sGrQZQqi2sZHVHHmpXmY%3d&se=" + se);
        assertThat(SasTokens.signatureMatches(lower, KEY)).isTrue();
        SasToken raw = SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + se);
        assertThat(SasTokens.signatureMatches(raw, KEY)).isTrue();
    }

    @Test
    void tamperedResourceOrExpiryFails() throws Exception {
        String sr = "myhub.azure-devices.net/devices/dev1";
        String sig = urlEncode(hmac(KEY, sr + "\n" + SE));
        SasToken otherDevice = SasToken.parse("SharedAccessSignature sr=myhub.azure-devices.net/devices/dev2&sig="
                + sig + "&se=" + SE);
        SasToken laterExpiry = SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=1700000999");
        SasToken encodedSame = SasToken.parse("SharedAccessSignature sr=" + urlEncode(sr) + "&sig=" + sig + "&se=" + SE);
        assertThat(SasTokens.signatureMatches(otherDevice, KEY)).isFalse();
        assertThat(SasTokens.signatureMatches(laterExpiry, KEY)).isFalse();
        assertThat(SasTokens.signatureMatches(encodedSame, KEY)).isFalse();
    }

    @Test
    void wrongNullOrBrokenKeyNeverMatches() throws Exception {
        SasToken t = SasToken.parse(SasTokens.create("h/devices/d", KEY, SE_LONG, null));
        assertThat(SasTokens.signatureMatches(t, OTHER_KEY)).isFalse();
        assertThat(SasTokens.signatureMatches(t, null)).isFalse();
        assertThat(SasTokens.signatureMatches(t, "not base64!")).isFalse();
        assertThat(SasTokens.signatureMatches(t, "")).isFalse();
    }

    @Test
    void createMatchesNodeSdkOutputExactly() {
        // sr=encodeURIComponent(...), sig over the encoded sr; value from openssl.
        String token = SasTokens.create("myhub.azure-devices.net/devices/dev1", KEY, SE_LONG, null);
        assertThat(token).isEqualTo("SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdev1"
                + "&sig=i%2BYmMcSSZc4KzBi6ejz3l0iL%2B2sN0CE3q6vSm837h2g%3D&se=1700000000");
    }

    @Test
    void createRoundTripsWithPolicyNameAndSpecialIds() throws Exception {
        String resource = "myhub/devices/d#1/modules/$edge?Hub";
        String token = SasTokens.create(resource, KEY, SE_LONG, "iothubowner");
        assertThat(token).contains("sr=myhub%2Fdevices%2Fd%231%2Fmodules%2F%24edge%3FHub&").endsWith("&skn=iothubowner");

        SasToken t = SasToken.parse(token);
        assertThat(t.resourceDecoded()).isEqualTo(resource);
        assertThat(t.expiresAt()).isEqualTo(SE_LONG);
        assertThat(t.keyName()).isEqualTo("iothubowner");
        assertThat(t.signature()).isEqualTo(hmac(KEY, t.resourceRaw() + "\n" + SE));
        assertThat(SasTokens.signatureMatches(t, KEY)).isTrue();
        assertThat(SasAudience.of(t)).isEqualTo(new SasAudience("myhub", "d#1", "$edge?Hub"));
    }

    @Test
    void createRejectsBadArguments() {
        assertThatThrownBy(() -> SasTokens.create("h", "%%%", SE_LONG, null))
                .isInstanceOf(BrinkException.class).hasMessageContaining("base64")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        assertThatThrownBy(() -> SasTokens.create("", KEY, SE_LONG, null)).isInstanceOf(BrinkException.class);
        assertThatThrownBy(() -> SasTokens.create("h", KEY, -1, null)).isInstanceOf(BrinkException.class);
    }

    @Test
    void expiryHonoursFiveMinutesOfClockSkew() {
        SasToken t = SasToken.parse(SasTokens.create("h/devices/d", KEY, SE_LONG, null));
        SasTokens.requireNotExpired(t, BEFORE_EXPIRY);
        SasTokens.requireNotExpired(t, Instant.ofEpochSecond(SE_LONG + 1));
        SasTokens.requireNotExpired(t, Instant.ofEpochSecond(SE_LONG + 299));
        SasTokens.requireNotExpired(t, Instant.ofEpochSecond(SE_LONG + 300));
        assertThatThrownBy(() -> SasTokens.requireNotExpired(t, Instant.ofEpochSecond(SE_LONG + 301)))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("token expired")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized);
        assertThatThrownBy(() -> SasTokens.requireNotExpired(t, Instant.ofEpochSecond(SE_LONG + 86_400)))
                .isInstanceOf(BrinkException.class);
    }
}
