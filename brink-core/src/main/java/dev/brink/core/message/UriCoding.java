package dev.brink.core.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-coding for topic property bags, query strings and SAS tokens (the one implementation;
 * {@code dev.brink.core.sas} uses it too). Not {@link java.net.URLDecoder}: that
 * turns {@code +} into a space, but the Java SDK already encodes spaces as {@code %20}, so a literal {@code +}
 * in a bag is a plus (device and module ids may contain {@code +}); in a SAS signature a raw {@code +} is a
 * base64 character.
 */
public final class UriCoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriCoding() {
    }

    /**
     * Encodes everything except the RFC 3986 unreserved characters {@code A-Z a-z 0-9 - _ . ~} as {@code %XX}
     * of its UTF-8 bytes (Node's {@code encodeUriComponentStrict}). The result survives every SDK's decoder:
     * Java's {@code URLDecoder} (no raw {@code +}), Node's {@code split('/')} (no raw {@code /}) and any
     * {@code split("=")}/{@code split("&")}.
     */
    public static String encode(String value) {
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
     * Decodes {@code %XX} sequences as UTF-8, once. {@code +} stays {@code +}. A {@code %} not followed by two
     * hex digits is kept literally: lenient, because a raw id may contain {@code %}.
     */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0
                    && hex(value.charAt(i + 2)) >= 0) {
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

    // ASCII only: Character.digit also accepts non-ASCII digits (e.g. fullwidth), which are not RFC 3986 HEXDIG.
    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }
}
