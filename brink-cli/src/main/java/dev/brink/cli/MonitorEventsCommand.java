package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.EventQuery;
import dev.brink.client.service.EventStream;
import dev.brink.core.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brink hub monitor-events}: prints device-to-cloud events as they arrive, one line each (or one JSON
 * object per line with {@code -o json}), until Ctrl-C, {@code --count} events or {@code --timeout} seconds.
 */
@Command(name = "monitor-events", mixinStandardHelpOptions = true,
        description = "Print device-to-cloud events live (Ctrl-C to stop).")
final class MonitorEventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--device"}, paramLabel = "DEVICE", description = "Only events of this device.")
    String deviceId;

    @Option(names = {"-m", "--module"}, paramLabel = "MODULE", description = "Only events of this module.")
    String moduleId;

    @Option(names = "--from", paramLabel = "start|end|OFFSET", defaultValue = "end",
            description = "Where to begin: the oldest retained event, only new events, or an offset "
                    + "(default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    Long count;

    @Option(names = "--timeout", paramLabel = "S", description = "Stop after S seconds.")
    Long timeout;

    @Option(names = "--no-follow", description = "Print the events stored so far and stop.")
    boolean noFollow;

    @Mixin
    HubOptions hub;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (!from.equals("start") && !from.equals("end") && !from.matches("\\d+")) {
            throw new UsageException("--from must be start, end or an offset, got '" + from + "'");
        }
        if (count != null && count < 1 || timeout != null && timeout < 1) {
            throw new UsageException("--count and --timeout must be positive");
        }
        EventQuery query = new EventQuery(from, deviceId, moduleId, !noFollow, count);
        PrintWriter out = spec.commandLine().getOut();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "monitor-events-timeout");
            t.setDaemon(true);
            return t;
        });
        try (EventStream events = hub.connect().streamEvents(query)) {
            if (timeout != null) {
                timer.schedule(events::close, timeout, TimeUnit.SECONDS);
            }
            for (JsonNode e = events.next(); e != null; e = events.next()) {
                out.println(output.json() ? Json.write(e) : line(e));
                out.flush();
            }
        } finally {
            timer.shutdownNow();
        }
        return 0;
    }

    /** {@code time  device[/module]  k=v, ...  body} */
    static String line(JsonNode e) {
        String who = e.path("deviceId").asText() + (e.path("moduleId").isTextual() ? "/" + e.path("moduleId").asText()
                : "");
        List<String> props = new ArrayList<>();
        e.path("systemProperties").fields().forEachRemaining(p -> {
            if (!p.getKey().equals("$.cdid") && !p.getKey().equals("$.cmid")) {
                props.add(p.getKey() + "=" + p.getValue().asText());
            }
        });
        e.path("applicationProperties").fields().forEachRemaining(p -> props.add(p.getKey() + "=" + p.getValue().asText()));
        String body = e.path("body").asText();
        if ("base64".equals(e.path("bodyEncoding").asText())) {
            body = "base64:" + body;
        }
        return e.path("enqueuedTime").asText() + "  " + who + "  " + (props.isEmpty() ? "-" : String.join(", ", props))
                + "  " + body;
    }
}
