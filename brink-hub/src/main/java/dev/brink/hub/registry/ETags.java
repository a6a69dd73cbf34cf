package dev.brink.hub.registry;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/**
 * If-Match handling shared by registry and twin resources. Clients send the etag bare, quoted or as a
 * weak validator ({@code W/"..."}); all three compare equal to the stored opaque value.
 */
public final class ETags {
    private ETags() {
    }

    /** The etag inside an If-Match value: trimmed, without W/ and quotes; null for a blank value. */
    public static String normalise(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        return v.isEmpty() ? null : v;
    }

    /** True when there is no precondition: absent, blank or {@code *}. */
    public static boolean unconditional(String ifMatch) {
        String v = normalise(ifMatch);
        return v == null || v.equals("*");
    }

    /** Throws 412001 unless the precondition is absent, {@code *} or the current etag. */
    public static void require(String ifMatch, String currentEtag, String what) {
        if (unconditional(ifMatch)) {
            return;
        }
        if (!normalise(ifMatch).equals(currentEtag)) {
            throw new BrinkException(ErrorCode.PreconditionFailed, "If-Match " + ifMatch.trim()
                    + " does not match the current etag of " + what);
        }
    }

    /** The value for an ETag response header. */
    public static String quoted(String etag) {
        return "\"" + etag + "\"";
    }
}
