package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.EventQuery;
import dev.brink.client.service.EventStream;
import dev.brink.client.service.HubServiceClient;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows the hub's device-to-cloud events of the demo's edge device ({@code GET /messages/events?follow=true},
 * the same stream {@code brink hub monitor-events} prints) on its own thread. The stream breaks when the hub is
 * stopped for the offline episode; it is then reopened, after the last offset seen, until the hub is back — the
 * events log is durable, so nothing stored meanwhile is skipped and nothing is read twice.
 */
final class HubEvents implements AutoCloseable {
    private final Supplier<HubServiceClient> hub;
    private final String deviceId;
    private final Consumer<JsonNode> sink;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile EventStream current;
    private long nextOffset = -1;

    HubEvents(Supplier<HubServiceClient> hub, String deviceId, Consumer<JsonNode> sink) {
        this.hub = hub;
        this.deviceId = deviceId;
        this.sink = sink;
        this.thread = new Thread(this::run, "demo-hub-events");
        this.thread.setDaemon(true);
    }

    HubEvents start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            String from = nextOffset < 0 ? "start" : Long.toString(nextOffset);
            try (EventStream stream = hub.get().streamEvents(new EventQuery(from, deviceId, null, true, null))) {
                current = stream;
                for (JsonNode e = stream.next(); e != null && running; e = stream.next()) {
                    nextOffset = e.path("offset").asLong() + 1;
                    sink.accept(e);
                }
            } catch (RuntimeException e) {
                // the hub is down (offline episode) or restarting: try again shortly
            }
            current = null;
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        EventStream s = current;
        if (s != null) {
            s.close();
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
