package dev.brink.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.twin.TwinDocument;
import dev.brink.core.twin.TwinUpdate;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.store.HubStore;
import dev.brink.hub.twin.TwinService;
import dev.brink.mqtt.TwinReply;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The twin operations a device can do over MQTT (reference §2.5), answered as {@link TwinReply}s for
 * {@code $iothub/twin/res/{status}/?$rid=..[&$version=..]}: GET → 200 with
 * {@code {"desired":..,"reported":..}}; reported PATCH → 204 with the new reported version; errors → their
 * HTTP status with a JSON body {@code {"errorCode","message","trackingId","timestampUtc"}} (Node ignores the
 * status and looks for {@code errorCode}; Java needs a body on a failed GET).
 *
 * <p>The reported patch is one store write that checks the optional {@code $version} (412 on mismatch) and
 * merges the patch in the same transaction, so the check cannot race another write.
 */
final class TwinRequests {
    private final Vertx vertx;
    private final HubStore store;
    private final TwinService twins;
    private final Clock clock;

    TwinRequests(Vertx vertx, HubStore store, TwinService twins, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.twins = twins;
        this.clock = clock;
    }

    /** The store read runs on a Vert.x worker; the head hops back to the connection's context. */
    CompletableFuture<TwinReply> get(IdentityKey key) {
        return vertx.executeBlocking(() -> {
            try {
                ObjectNode json = twins.getDocument(key).toDeviceJson();
                return new TwinReply(200, null, Json.MAPPER.writeValueAsBytes(json));
            } catch (RuntimeException e) {
                return error(e);
            }
        }, false).toCompletionStage().toCompletableFuture();
    }

    /** Completes on the store's acknowledgement thread; the head hops back to the connection's context. */
    CompletableFuture<TwinReply> patchReported(IdentityKey key, Long expectedVersion, byte[] body) {
        JsonNode patch;
        try {
            patch = Json.parse(body);
            if (patch == null || !patch.isObject()) {
                throw BrinkException.invalid("the reported properties patch must be a JSON object");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return store.write(tx -> {
            TwinService.requireIdentity(tx, key);
            TwinDocument current = TwinService.document(tx, key);
            if (expectedVersion != null && expectedVersion != current.reportedVersion()) {
                throw new BrinkException(ErrorCode.PreconditionFailed, "reported properties are at version "
                        + current.reportedVersion() + ", not " + expectedVersion);
            }
            TwinUpdate update = current.patchReported(patch, clock.instant());
            if (update.changed()) {
                tx.twins().put(key, update.twin());
            }
            return update.twin().reportedVersion();
        }).handle((version, e) -> e == null ? new TwinReply(204, version, new byte[0]) : error(e));
    }

    /** The error reply for {@code e}: its IoT Hub code, or 500 for anything unexpected. */
    TwinReply error(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        ErrorCode code = cause instanceof BrinkException be ? be.errorCode() : ErrorCode.ServerError;
        String message = cause instanceof BrinkException ? cause.getMessage() : "internal error";
        ObjectNode body = Json.object();
        body.put("errorCode", code.code());
        body.put("message", message);
        body.put("trackingId", UUID.randomUUID().toString());
        body.put("timestampUtc", clock.instant().toString());
        return new TwinReply(code.httpStatus(), null, body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
