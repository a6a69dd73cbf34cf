package dev.brink.examples.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.ModuleClient;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The filter module: readings arriving on input {@code input1} whose {@code machine.temperature} is above
 * {@code TemperatureThreshold} (module twin, desired; default 25) are forwarded unchanged to output
 * {@code output1}, marked with the application property {@code MessageType=Alert}; the others are dropped.
 * The threshold in use is reported as {@code TemperatureThreshold} (reported) at start and after every change,
 * so {@code brink hub twin show} tells whether a new desired value took effect. Needs an edge hub (inputs come
 * from it); runs until SIGTERM.
 */
public final class FilterModule {
    static final String INPUT = "input1";
    static final String OUTPUT = "output1";

    private final ModuleClient client;
    private final TemperatureFilter filter = new TemperatureFilter();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    FilterModule(ModuleClient client) {
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        try (ModuleClient client = ModuleClient.fromEnvironment()) {
            new FilterModule(client).start();
            stopped.await();
        }
    }

    void start() {
        client.onDesiredPropertiesUpdate((patch, version) -> {
            if (filter.applyDesired(patch)) {
                report();
            }
        });
        client.onInput(INPUT, this::onReading);
        client.open();
        filter.applyDesired(client.getTwin().desired());
        report();
    }

    private void onReading(Message message) {
        JsonNode reading;
        try {
            reading = Json.parse(message.body());
        } catch (RuntimeException e) {
            reading = null;
        }
        if (!filter.passes(reading)) {
            dropped.incrementAndGet();
            return;
        }
        // Runs on the client's dispatch thread, which may call the client; the PUBACK of the input message
        // follows this handler's return, so a reading is never acknowledged before it was forwarded.
        client.sendOutput(OUTPUT, message.toBuilder().inputName(null).outputName(null)
                .property("MessageType", "Alert").build());
        forwarded.incrementAndGet();
    }

    private void report() {
        ObjectNode reported = Json.object().put("TemperatureThreshold", filter.threshold());
        client.updateReportedProperties(reported);
        System.out.println("[filter] forwarding readings above " + filter.threshold() + " (forwarded "
                + forwarded.get() + ", dropped " + dropped.get() + " so far)");
    }
}
