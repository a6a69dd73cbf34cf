package dev.brink.core.message;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Date-times in property bags ({@code $.ctime}, {@code $.exp}). We write ISO-8601 instants
 * ({@code 2024-05-01T10:00:00.123Z}); we read ISO-8601 with or without offset (no offset = UTC) and the
 * {@code yyyy-MM-dd_HH:mm:ss.fffffff} form the Java device SDK writes for {@code $.ctime}.
 */
final class MessageTimes {
    private MessageTimes() {
    }

    static String format(Instant t) {
        return t.toString();
    }

    /** @throws IllegalArgumentException when the text is none of the accepted forms */
    static Instant parse(String text) {
        String s = text.trim();
        if (s.length() > 10 && s.charAt(10) == '_') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 date-time: '" + text + "'", e);
            }
        }
    }
}
