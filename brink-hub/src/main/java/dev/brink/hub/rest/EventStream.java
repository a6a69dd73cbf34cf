package dev.brink.hub.rest;

import dev.brink.core.json.Json;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.events.EventJson;
import dev.brink.hub.events.EventLog;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One response of {@link EventsApi}: reads the log in batches on a worker thread and writes JSON lines,
 * respecting the connection's back-pressure (a slow reader is not buffered without bound: reading pauses
 * until the response drains). All state is confined to the request's context.
 */
final class EventStream {
    static final int BATCH = 500;
    static final long POLL_MS = 100;
    static final long HEARTBEAT_MS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** What to stream: offsets in [from, until), optionally of one device/module, at most {@code max} events. */
    record Query(long from, long until, boolean follow, String deviceId, String moduleId, long max) {
        boolean matches(DeviceEvent e) {
            return (deviceId == null || deviceId.equals(e.deviceId()))
                    && (moduleId == null || moduleId.equals(e.moduleId()));
        }
    }

    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final EventLog log;
    private final Query query;
    private long cursor;
    private long sent;
    private long lastWriteMs;
    private long timer = -1;
    private boolean done;

    EventStream(RoutingContext ctx, EventLog log, Query query) {
        this.ctx = ctx;
        this.response = ctx.response();
        this.log = log;
        this.query = query;
        this.cursor = query.from();
    }

    void start() {
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", EventsApi.CONTENT_TYPE)
                .putHeader("Cache-Control", "no-cache");
        response.closeHandler(v -> stop());
        // the headers go out now, so a follower sees the stream open before the first event arrives
        write("\n");
        fetch();
    }

    private void fetch() {
        timer = -1;
        if (done) {
            return;
        }
        if (cursor >= query.until()) {
            finish();
            return;
        }
        if (log.nextOffset() <= cursor) {
            idle();
            return;
        }
        long from = cursor;
        ctx.vertx().executeBlocking(() -> log.read(from, BATCH), false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("events stream: reading from offset {} failed: {}", from, ar.cause().toString());
                done = true;
                response.reset();
                return;
            }
            if (!done) {
                deliver(ar.result());
            }
        });
    }

    private void deliver(List<DeviceEvent> events) {
        for (DeviceEvent e : events) {
            long offset = Objects.requireNonNull(e.offset(), "offset");
            if (offset >= query.until()) {
                finish();
                return;
            }
            cursor = offset + 1;
            if (query.matches(e)) {
                write(Json.write(EventJson.of(e)) + "\n");
                if (++sent >= query.max()) {
                    finish();
                    return;
                }
            }
        }
        if (events.isEmpty()) {
            idle();
        } else if (response.writeQueueFull()) {
            response.drainHandler(v -> fetch());
        } else {
            ctx.vertx().runOnContext(v -> fetch());
        }
    }

    /** Nothing new: end (not following) or look again shortly, with a keep-alive line now and then. */
    private void idle() {
        if (!query.follow()) {
            finish();
            return;
        }
        if (System.currentTimeMillis() - lastWriteMs >= HEARTBEAT_MS) {
            write("\n");
        }
        timer = ctx.vertx().setTimer(POLL_MS, id -> fetch());
    }

    private void write(String text) {
        lastWriteMs = System.currentTimeMillis();
        response.write(Buffer.buffer(text));
    }

    private void finish() {
        if (!done) {
            done = true;
            response.end();
        }
    }

    private void stop() {
        done = true;
        if (timer >= 0) {
            ctx.vertx().cancelTimer(timer);
        }
    }
}
