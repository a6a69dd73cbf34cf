package dev.brink.examples.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ModuleClient;
import dev.brink.client.Twin;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The simulated temperature sensor module: sends a reading on output {@code temperatureOutput} every
 * {@code SendInterval} seconds (module twin, desired; default 1, changes apply at the next reading) and reports
 * how many it sent as {@code messageCount} (reported). Runs until SIGTERM. Started by an edge runtime, which
 * provides everything {@link ModuleClient#fromEnvironment()} needs.
 */
public final class SensorModule {
    static final String OUTPUT = "temperatureOutput";
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final ModuleClient client;
    private final SimulatedMachine machine = new SimulatedMachine(new Random());
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Duration interval = DEFAULT_INTERVAL;
    private long messageCount;

    SensorModule(ModuleClient client) {
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        try (ModuleClient client = ModuleClient.fromEnvironment()) {
            SensorModule module = new SensorModule(client);
            Runtime.getRuntime().addShutdownHook(new Thread(module.stopped::countDown));
            module.run();
        }
    }

    void run() throws InterruptedException {
        client.onDesiredPropertiesUpdate((patch, version) -> applyDesired(patch));
        client.open();
        Twin twin = client.getTwin();
        applyDesired(twin.desired());
        messageCount = twin.reported().path("messageCount").asLong(0);
        log("sending on " + OUTPUT + " every " + interval.toMillis() + " ms");
        while (!stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
            send();
        }
    }

    private void send() {
        ObjectNode reading = machine.next(Instant.now());
        // contentType/contentEncoding make $body usable in route conditions; the sequence number lets a reader
        // check that nothing was lost (e.g. across an offline episode).
        Message message = Message.builder().body(Json.write(reading)).contentType("application/json")
                .contentEncoding("utf-8").property("sequenceNumber", Long.toString(messageCount + 1)).build();
        try {
            client.sendOutput(OUTPUT, message);
            messageCount++;
            client.updateReportedPropertiesAsync(Json.object().put("messageCount", messageCount), null);
        } catch (RuntimeException e) {
            // Offline and the send timed out: the reading is lost, like a real sensor's; the next one is sent.
            log("send failed: " + e.getMessage());
        }
    }

    void applyDesired(JsonNode desired) {
        Duration next = interval(desired.get("SendInterval"));
        if (next != null && !next.equals(interval)) {
            interval = next;
            log("SendInterval is now " + next.toMillis() + " ms");
        }
    }

    /** {@code SendInterval} in seconds (fractions allowed, at least 0.01); null when absent or invalid. */
    static Duration interval(JsonNode value) {
        if (value == null || !value.isNumber() || value.asDouble() < 0.01) {
            return null;
        }
        return Duration.ofMillis(Math.round(value.asDouble() * 1000));
    }

    private static void log(String line) {
        System.out.println("[sensor] " + line);
    }
}
