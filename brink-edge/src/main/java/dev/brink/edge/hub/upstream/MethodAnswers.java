package dev.brink.edge.hub.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.MethodResponse;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.mqtt.MethodResult;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The answer the edge hub sends upstream for a relayed direct method. The hub passes the status through to the
 * REST caller ({@code {"status":..,"payload":..}}), so a relay failure becomes a status like edgeHub's: 404 when
 * the target is not connected locally (404103), 504 when it did not answer in time (504101), the error code's
 * HTTP status otherwise; the payload then says why, as {@code {"errorCode":..,"message":..}}.
 */
final class MethodAnswers {
    private MethodAnswers() {
    }

    static MethodResponse of(MethodResult result) {
        return MethodResponse.of(result.status(), result.payload());
    }

    static MethodResponse failure(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof BrinkException b) {
            return error(b.errorCode(), b.getMessage());
        }
        return error(ErrorCode.ServerError, "the method relay failed: " + e);
    }

    static MethodResponse notConnected(IdentityKey who) {
        return error(ErrorCode.DeviceNotOnline, who + " is not connected to the edge hub");
    }

    static MethodResponse error(ErrorCode code, String message) {
        ObjectNode payload = Json.object().put("errorCode", code.code()).put("message", message);
        return MethodResponse.of(code.httpStatus(), payload);
    }
}
