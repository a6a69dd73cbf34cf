package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.mqtt.TwinReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Twin replies shaped exactly like the hub's (brink-hub's TwinRequests): 200 + body, 204 + version, errors. */
final class TwinReplies {
    private static final byte[] EMPTY = new byte[0];

    private TwinReplies() {
    }

    static TwinReply twin(ObjectNode deviceJson) {
        return new TwinReply(200, null, deviceJson.toString().getBytes(StandardCharsets.UTF_8));
    }

    static TwinReply patched(long version) {
        return new TwinReply(204, version, EMPTY);
    }

    /** {@code {"errorCode","message","trackingId","timestampUtc"}} with the code's HTTP status; 500 for the unexpected. */
    static TwinReply error(Throwable e, Clock clock) {
        Throwable cause = unwrap(e);
        ErrorCode code = cause instanceof BrinkException be ? be.errorCode() : ErrorCode.ServerError;
        String message = cause instanceof BrinkException ? cause.getMessage() : "internal error";
        ObjectNode body = Json.object();
        body.put("errorCode", code.code());
        body.put("message", message);
        body.put("trackingId", UUID.randomUUID().toString());
        body.put("timestampUtc", clock.instant().toString());
        return new TwinReply(code.httpStatus(), null, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
