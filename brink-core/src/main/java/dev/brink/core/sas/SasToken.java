package dev.brink.core.sas;

import dev.brink.core.error.BrinkException;
import dev.brink.core.message.UriCoding;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A parsed {@code SharedAccessSignature sr=..&sig=..&se=..[&skn=..]} token. Fields may come in any order
 * (the SDKs disagree). {@code resourceRaw} and {@code expiryRaw} keep the exact text of the token because
 * the signature is computed over that text, not over the decoded values (see the package README).
 *
 * @param resourceRaw the {@code sr} value exactly as in the token (possibly URL-encoded, possibly not)
 * @param signature the URL-decoded {@code sig} value: a base64 HMAC-SHA256
 * @param expiryRaw the {@code se} text as in the token (decimal digits)
 * @param expiresAt {@code se} as epoch seconds
 * @param keyName the {@code skn} policy name, or null for device/module key tokens
 */
public record SasToken(String resourceRaw, String signature, String expiryRaw, long expiresAt, String keyName) {
    public static final String PREFIX = "SharedAccessSignature ";

    public SasToken {
        java.util.Objects.requireNonNull(resourceRaw, "resourceRaw");
        java.util.Objects.requireNonNull(signature, "signature");
        java.util.Objects.requireNonNull(expiryRaw, "expiryRaw");
    }

    /**
     * Parses a token.
     *
     * @throws BrinkException {@code Unauthorized} when the prefix or a field is missing, duplicated or
     *     unknown, {@code se} is not a non-negative decimal number, or {@code sig} is not base64
     */
    public static SasToken parse(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            throw malformed("it must start with '" + PREFIX.trim() + " '");
        }
        Map<String, String> fields = fields(token.substring(PREFIX.length()).trim());
        String sr = required(fields, "sr");
        String sig = UriCoding.decode(required(fields, "sig"));
        requireBase64Signature(sig);
        String se = required(fields, "se");
        String skn = fields.get("skn");
        if (skn != null && skn.isEmpty()) {
            throw malformed("field 'skn' is empty");
        }
        return new SasToken(sr, sig, se, parseExpiry(se), skn == null ? null : UriCoding.decode(skn));
    }

    /** The {@code sr} value URL-decoded once, e.g. {@code myhub.azure-devices.net/devices/dev1}. */
    public String resourceDecoded() {
        return UriCoding.decode(resourceRaw);
    }

    /** Tokens are credentials: never print the signature into logs. */
    @Override
    public String toString() {
        return "SasToken[sr=" + resourceRaw + ", se=" + expiryRaw + (keyName == null ? "" : ", skn=" + keyName)
                + ", sig=<redacted>]";
    }

    private static Map<String, String> fields(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw malformed("'" + abbreviate(pair) + "' is not a key=value field");
            }
            String name = pair.substring(0, eq);
            if (!name.equals("sr") && !name.equals("sig") && !name.equals("se") && !name.equals("skn")) {
                throw malformed("unknown field '" + abbreviate(name) + "'");
            }
            if (fields.put(name, pair.substring(eq + 1)) != null) {
                throw malformed("field '" + name + "' appears twice");
            }
        }
        return fields;
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw malformed("field '" + name + "' is missing or empty");
        }
        return value;
    }

    private static long parseExpiry(String se) {
        if (se.length() > 18 || !se.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed("field 'se' must be the expiry in epoch seconds, got '" + abbreviate(se) + "'");
        }
        return Long.parseLong(se);
    }

    private static void requireBase64Signature(String sig) {
        try {
            Base64.getDecoder().decode(sig);
        } catch (IllegalArgumentException e) {
            throw malformed("field 'sig' is not base64");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static BrinkException malformed(String why) {
        return BrinkException.unauthorized("malformed SAS token: " + why);
    }
}
