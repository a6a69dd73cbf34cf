package dev.brink.hub.rest;

import dev.brink.core.error.BrinkException;
import dev.brink.hub.events.EventLog;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The device-to-cloud events consumer API (Brink's own; IoT Hub exposes events through Event Hubs/AMQP):
 *
 * <pre>
 * GET /messages/events?api-version=..&amp;from=start|end|{offset}[&amp;device=d][&amp;module=m][&amp;follow=true][&amp;max=n]
 *   (needs ServiceConnect, like reading IoT Hub's built-in events endpoint)
 * → 200, Content-Type: application/x-ndjson, chunked: one JSON object per line (see EventJson), in offset order.
 * </pre>
 * {@code from} defaults to {@code start} (the oldest retained event); {@code end} means "only events appended
 * from now on". Without {@code follow} the response ends once the events that existed when it started are
 * sent; with {@code follow=true} it stays open and new events are pushed as they are appended (the log is
 * polled every {@link EventStream#POLL_MS} ms — a cheap in-memory check of its next offset). Blank lines are
 * keep-alives (one at the start, then every {@link EventStream#HEARTBEAT_MS} ms without events): ignore them.
 * {@code max} ends the response after that many events. Offsets never repeat; an offset older than the
 * retention window continues from the oldest retained event.
 */
public final class EventsApi {
    public static final String PATH = "/messages/events";
    public static final String CONTENT_TYPE = "application/x-ndjson; charset=utf-8";

    private final EventLog log;

    public EventsApi(EventLog log) {
        this.log = log;
    }

    public void mount(Router router) {
        router.get(PATH).handler(this::stream);
    }

    private void stream(RoutingContext ctx) {
        EventStream.Query query;
        try {
            query = parse(ctx);
        } catch (BrinkException e) {
            ctx.fail(e);
            return;
        }
        new EventStream(ctx, log, query).start();
    }

    private EventStream.Query parse(RoutingContext ctx) {
        String from = param(ctx, "from");
        long start;
        if (from == null || from.equals("start")) {
            start = 0;
        } else if (from.equals("end")) {
            start = log.nextOffset();
        } else {
            try {
                start = Long.parseLong(from);
            } catch (NumberFormatException e) {
                throw BrinkException.invalid("from must be start, end or an offset, got '" + from + "'");
            }
            if (start < 0) {
                throw BrinkException.invalid("from must not be negative");
            }
        }
        String follow = param(ctx, "follow");
        if (follow != null && !follow.equals("true") && !follow.equals("false")) {
            throw BrinkException.invalid("follow must be true or false");
        }
        boolean following = "true".equals(follow);
        String max = param(ctx, "max");
        long limit = Long.MAX_VALUE;
        if (max != null) {
            try {
                limit = Long.parseLong(max);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                throw BrinkException.invalid("max must be a positive whole number");
            }
        }
        return new EventStream.Query(start, following ? Long.MAX_VALUE : log.nextOffset(), following,
                param(ctx, "device"), param(ctx, "module"), limit);
    }

    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
