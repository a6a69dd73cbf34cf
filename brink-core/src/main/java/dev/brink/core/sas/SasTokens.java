package dev.brink.core.sas;

import dev.brink.core.error.BrinkException;
import dev.brink.core.message.UriCoding;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creating and checking SAS tokens. The signature is
 * {@code base64(HMAC-SHA256(base64decode(key), UTF8(sr + "\n" + se)))} where {@code sr} and {@code se} are the
 * texts exactly as they appear in the token.
 */
public final class SasTokens {
    /** The expiry tolerance of IoT Hub and edgeHub ({@code SharedAccessSignatureConstants.MaxClockSkew}). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final String HMAC = "HmacSHA256";

    private SasTokens() {
    }

    /**
     * Creates a token the way the Node SDK and the Java service SDK do: {@code sr} is percent-encoded as a whole
     * (so {@code /} becomes {@code %2F}) and the signature is computed over that encoded text.
     *
     * @param resourceUri the unencoded audience, e.g. {@code myhub/devices/d1} or a hub host name
     * @param base64Key the device, module or policy key
     * @param expiresAtEpochSeconds the {@code se} value
     * @param keyNameOrNull the policy name ({@code skn}), or null when signing with a device/module key
     * @throws BrinkException {@code ArgumentInvalid} for an empty resource, a negative expiry or a non-base64 key
     */
    public static String create(String resourceUri, String base64Key, long expiresAtEpochSeconds,
                                String keyNameOrNull) {
        if (resourceUri == null || resourceUri.isEmpty()) {
            throw BrinkException.invalid("SAS resource URI must not be empty");
        }
        if (expiresAtEpochSeconds < 0) {
            throw BrinkException.invalid("SAS expiry must not be negative: " + expiresAtEpochSeconds);
        }
        String sr = UriCoding.encode(resourceUri);
        String se = Long.toString(expiresAtEpochSeconds);
        String sig = sign(decodeKey(base64Key), sr, se);
        StringBuilder token = new StringBuilder(SasToken.PREFIX)
                .append("sr=").append(sr)
                .append("&sig=").append(UriCoding.encode(sig))
                .append("&se=").append(se);
        if (keyNameOrNull != null) {
            token.append("&skn=").append(UriCoding.encode(keyNameOrNull));
        }
        return token.toString();
    }

    /**
     * True when the token's signature was made with {@code base64Key}. The HMAC is computed over the raw
     * {@code sr} and {@code se} texts and compared in constant time. A null or non-base64 key never matches,
     * so callers can try primary then secondary key without special cases.
     */
    public static boolean signatureMatches(SasToken t, String base64Key) {
        if (base64Key == null) {
            return false;
        }
        byte[] key;
        byte[] presented;
        try {
            key = Base64.getDecoder().decode(base64Key);
            presented = Base64.getDecoder().decode(t.signature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (key.length == 0) {
            return false;
        }
        byte[] expected = hmac(key, t.resourceRaw() + "\n" + t.expiryRaw());
        return MessageDigest.isEqual(expected, presented);
    }

    /**
     * @throws BrinkException {@code Unauthorized} "token expired" when {@code now} is more than
     *     {@link #MAX_CLOCK_SKEW} past the token's expiry
     */
    public static void requireNotExpired(SasToken t, Instant now) {
        if (now.getEpochSecond() > t.expiresAt() + MAX_CLOCK_SKEW.toSeconds()) {
            throw BrinkException.unauthorized("token expired (se=" + t.expiresAt() + ", now="
                    + now.getEpochSecond() + ", allowed clock skew " + MAX_CLOCK_SKEW.toSeconds() + "s)");
        }
    }

    /** The base64 signature of {@code resourceRaw + "\n" + expiryRaw}; exposed for tests and tools. */
    public static String signature(String base64Key, String resourceRaw, String expiryRaw) {
        return sign(decodeKey(base64Key), resourceRaw, expiryRaw);
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // HmacSHA256 is mandatory on every Java platform and accepts any non-empty key.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] decodeKey(String base64Key) {
        try {
            byte[] key = base64Key == null ? new byte[0] : Base64.getDecoder().decode(base64Key);
            if (key.length == 0) {
                throw BrinkException.invalid("shared access key must not be empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw BrinkException.invalid("shared access key is not valid base64");
        }
    }

    private static String sign(byte[] key, String resourceRaw, String expiryRaw) {
        return Base64.getEncoder().encodeToString(hmac(key, resourceRaw + "\n" + expiryRaw));
    }
}
