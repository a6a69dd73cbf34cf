package dev.brink.core.sas;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for SAS tokens. Deliberately not {@link java.net.URLDecoder}: that turns {@code +} into a
 * space, but a raw (unencoded) {@code +} in a signature is a base64 character and in a resource it is a
 * valid id character; neither can legitimately contain a space.
 */
final class PercentCoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {
    }

    /**
     * Encodes like the Node SDK's {@code encodeUriComponentStrict}: everything except the RFC 3986 unreserved
     * characters {@code A-Z a-z 0-9 - _ . ~} becomes {@code %XX} of its UTF-8 bytes.
     */
    static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /**
     * Decodes {@code %XX} sequences (as UTF-8) once. {@code +} stays {@code +}. A {@code %} not followed by two
     * hex digits is kept literally, so a raw id containing {@code %} still decodes to itself.
     */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
                out.write(hex(value.charAt(i + 1)) * 16 + hex(value.charAt(i + 2)));
                i += 3;
            } else {
                int end = i + Character.charCount(value.codePointAt(i));
                out.writeBytes(value.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
