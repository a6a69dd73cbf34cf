package dev.brink.client.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The hub's device-to-cloud events as they stream in ({@code GET /messages/events}, one JSON object per line;
 * see the hub's {@code EventJson} for the fields). {@link #next()} blocks until the next event arrives and
 * returns null at the end of the stream. Closing (from any thread) aborts the stream; a blocked {@code next()}
 * then fails or returns null. Not thread-safe otherwise.
 */
public final class EventStream implements AutoCloseable {
    private final InputStream in;
    private final BufferedReader reader;
    private volatile boolean closed;

    EventStream(InputStream in) {
        this.in = in;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next event, or null when the hub ended the stream (or it was closed). Blank keep-alive lines are skipped. */
    public JsonNode next() {
        try {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && line.isBlank());
            return line == null ? null : Json.parse(line);
        } catch (IOException e) {
            if (closed) {
                return null;
            }
            throw new BrinkException(ErrorCode.ServiceUnavailable, "the events stream broke: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
