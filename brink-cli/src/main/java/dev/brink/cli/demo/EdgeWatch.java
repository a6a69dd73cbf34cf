package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.edge.management.ManagementClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * What the edge device shows about itself: the modules and their states from the edge runtime's management API
 * (what {@code brink edge list} prints), and how many messages wait in the edge hub's queue for {@code $upstream}
 * (its Prometheus metric {@code edgehub_queue_length}). Module state changes are reported to a listener as they
 * are seen, polled once a second.
 */
final class EdgeWatch implements AutoCloseable {
    private final Path socket;
    private final URI metrics;
    private final BiConsumer<String, String> onStateChange;
    private final Map<String, String> states = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread thread;
    private volatile boolean running = true;
    private ManagementClient client;

    EdgeWatch(Path socket, URI metrics, BiConsumer<String, String> onStateChange) {
        this.socket = socket;
        this.metrics = metrics;
        this.onStateChange = onStateChange;
        this.thread = new Thread(this::run, "demo-edge-watch");
        this.thread.setDaemon(true);
    }

    EdgeWatch start() {
        thread.start();
        return this;
    }

    /** True once the management API answers (the edge runtime is up). */
    boolean reachable() {
        return Files.exists(socket) && poll();
    }

    synchronized String state(String module) {
        return states.get(module);
    }

    synchronized Map<String, String> states() {
        return new TreeMap<>(states);
    }

    /** Messages queued at the edge hub for {@code $upstream}, or -1 when the metric cannot be read. */
    long upstreamQueue() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long sum = -1;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("edgehub_queue_length{") && line.contains("endpoint=\"$upstream\"")) {
                    sum = Math.max(sum, 0) + (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    private void run() {
        while (running) {
            poll();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized boolean poll() {
        try {
            if (client == null) {
                client = new ManagementClient(socket);
            }
            for (JsonNode m : client.modules()) {
                String name = m.path("name").asText();
                String state = m.path("runtimeStatus").asText();
                if (!state.equals(states.put(name, state))) {
                    onStateChange.accept(name, state);
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (client != null) {
                client.close();
            }
        }
    }
}
