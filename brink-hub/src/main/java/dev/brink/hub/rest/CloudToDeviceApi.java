package dev.brink.hub.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.hub.c2d.C2dSendRequest;
import dev.brink.hub.c2d.CloudToDeviceService;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sending cloud-to-device messages over HTTPS. IoT Hub's service SDKs send C2D over AMQP, which Brink does not
 * speak, so this is Brink's own route, shaped like IoT Hub's HTTPS device API (the body is the payload, the
 * properties travel in {@code iothub-*} headers):
 *
 * <pre>
 * POST /devices/{deviceId}/messages/deviceBound?api-version=...     (needs ServiceConnect)
 *   iothub-messageid: ...          (optional; a UUID is generated)
 *   iothub-correlationid: ...      iothub-userid: ...
 *   iothub-contenttype: ...        iothub-contentencoding: ...
 *   iothub-expiry: 2024-05-01T10:00:00Z   or   iothub-ttl: 600   (seconds; not both; default 1 h, max 2 days)
 *   iothub-app-{name}: {value}     (application properties, in header order)
 *   body: the payload, at most 64 KB
 * → 202 {"messageId","correlationId","to","enqueuedTimeUtc","expiryTimeUtc"}
 * </pre>
 * Errors: 404001 unknown device, 413001 body over 64 KB, 403004 queue full (50), 400004 bad TTL/expiry.
 */
public final class CloudToDeviceApi {
    static final String PATH = "/devices/:deviceId/messages/deviceBound";
    private static final String APP_PREFIX = "iothub-app-";

    private final CloudToDeviceService service;

    public CloudToDeviceApi(CloudToDeviceService service) {
        this.service = service;
    }

    public void mount(Router router) {
        router.post(PATH).handler(this::send);
        // IoT Hub's own paths are case-sensitive, but the lower-case spelling of the device API is common too.
        router.post("/devices/:deviceId/messages/devicebound").handler(this::send);
    }

    private void send(RoutingContext ctx) {
        String deviceId = PathIds.decode(ctx.pathParam("deviceId"));
        C2dSendRequest request;
        try {
            request = parse(ctx.request().headers(), ctx.body().buffer() == null ? new byte[0]
                    : ctx.body().buffer().getBytes());
        } catch (BrinkException e) {
            ctx.fail(e);
            return;
        }
        RestResponses.blocking(ctx, () -> service.send(deviceId, request)).onSuccess(sent -> {
            ObjectNode body = Json.object();
            body.put("messageId", sent.messageId());
            if (sent.correlationId() != null) {
                body.put("correlationId", sent.correlationId());
            }
            body.put("to", sent.to());
            body.put("enqueuedTimeUtc", sent.enqueuedTime().toString());
            body.put("expiryTimeUtc", sent.expiryTime().toString());
            RestResponses.json(ctx, 202, body);
        }).onFailure(ctx::fail);
    }

    static C2dSendRequest parse(MultiMap headers, byte[] body) {
        Map<String, String> properties = new LinkedHashMap<>();
        headers.forEach(h -> {
            String name = h.getKey();
            if (name.length() > APP_PREFIX.length() && name.toLowerCase(Locale.ROOT).startsWith(APP_PREFIX)) {
                properties.put(name.substring(APP_PREFIX.length()), h.getValue());
            }
        });
        return new C2dSendRequest(body, headers.get("iothub-messageid"), headers.get("iothub-correlationid"),
                headers.get("iothub-userid"), headers.get("iothub-contenttype"), headers.get("iothub-contentencoding"),
                instant(headers.get("iothub-expiry")), ttl(headers.get("iothub-ttl")), properties);
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw BrinkException.invalid("iothub-expiry must be an ISO-8601 UTC time such as 2024-05-01T10:00:00Z");
        }
    }

    private static Duration ttl(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw BrinkException.invalid("iothub-ttl must be a whole number of seconds");
        }
    }
}
