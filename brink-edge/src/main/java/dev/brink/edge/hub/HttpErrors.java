package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IoT Hub error envelope on the edge hub's HTTPS API, the same shape as the hub's REST API
 * ({@code {"Message":"{\"errorCode\":404103,…}","ExceptionMessage":""}} plus the {@code iothub-errorcode} header),
 * so the SDKs and the CLI read edge and hub errors alike.
 */
final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    static void send(RoutingContext ctx, Throwable failure) {
        Throwable t = LocalBackend.unwrap(failure);
        BrinkException e = t instanceof BrinkException b ? b
                : new BrinkException(ErrorCode.ServerError, "Internal server error");
        if (!(t instanceof BrinkException)) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
        }
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(e.errorCode().httpStatus())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("iothub-errorcode", e.errorCode().name())
                .end(envelope(e.errorCode(), e.getMessage(), Instant.now()));
    }

    static String envelope(ErrorCode code, String message, Instant time) {
        ObjectNode inner = Json.object();
        inner.put("errorCode", code.code());
        inner.put("trackingId", UUID.randomUUID().toString().replace("-", ""));
        inner.put("message", message);
        inner.put("timestampUtc", time.truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode outer = Json.object();
        outer.put("Message", Json.write(inner));
        outer.put("ExceptionMessage", "");
        return Json.write(outer);
    }
}
