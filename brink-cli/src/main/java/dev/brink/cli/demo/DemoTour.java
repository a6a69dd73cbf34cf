package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import dev.brink.edge.hub.EdgeHubConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo's script: start the hub, register the edge device, start the edge runtime, deploy, then show telemetry,
 * a twin change and an offline episode while the {@link Ledger} records what reaches the hub. Each wait is bounded;
 * a step that cannot finish ends the tour ({@link Stopped}) and the checks report what was reached.
 */
final class DemoTour {
    private static final Duration MODULES_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration WATCH_AFTER_CHANGE = Duration.ofSeconds(6);
    private static final int FIRST_ALERTS = 3;

    /** The tour cannot go on: Ctrl-C, or a step did not finish in time. */
    static final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }

    private final DemoLayout layout;
    private final Console console;
    private final DemoServers servers;
    private final DemoManifest manifest;
    private final Ledger ledger;
    private final Duration duration;
    private final Duration offline;
    private final double newThreshold;
    private volatile HubServiceClient service;
    private HubEvents events;
    private EdgeWatch watch;
    private final ReadingLines lines;
    private Instant modulesRunning;

    DemoTour(DemoLayout layout, Console console, DemoServers servers, Duration duration, Duration offline) {
        this.layout = layout;
        this.console = console;
        this.servers = servers;
        this.manifest = DemoManifest.of(layout);
        this.ledger = new Ledger(manifest.initialThreshold());
        this.newThreshold = manifest.initialThreshold() + 5;
        this.lines = new ReadingLines(ledger, console);
        this.duration = duration;
        this.offline = offline;
    }

    Ledger ledger() {
        return ledger;
    }

    void run() {
        console.step("Start the hub");
        Duration took = servers.startHub();
        service = servers.service();
        console.line("hub ready in " + secs(took) + " s: service API https://" + DemoServers.HUB_HOST
                + ":8443, devices mqtts://" + DemoServers.HUB_HOST + ":8883 (data " + rel(layout.hubData()) + ", log "
                + rel(layout.log("hub")) + ")");

        console.step("Register the edge device");
        servers.registerEdge();
        console.line("created " + DemoServers.DEVICE + ", an IoT Edge device (the hub added its $edgeAgent and "
                + "$edgeHub identities); edge config: " + rel(layout.edgeConfig()));

        console.step("Start the edge runtime");
        watch = new EdgeWatch(servers.managementSocket(), URI.create("http://" + DemoServers.EDGE_HUB_HOST + ":"
                + EdgeHubConfig.DEFAULT_METRICS_PORT + "/metrics"), (m, s) -> console.line("module " + m + ": " + s));
        took = servers.startEdge(watch);
        watch.start();
        console.line("edge runtime up in " + secs(took) + " s: process module runtime, edge hub on mqtts://"
                + DemoServers.EDGE_HUB_HOST + ":8883 (data " + rel(layout.edgeData()) + ", log "
                + rel(layout.log("edge")) + ")");

        deploy();
        telemetry();
        twinChange();
        offlineEpisode();
        live();
    }

    private void deploy() {
        console.step("Deploy the quickstart manifest (sensor -> filter -> $upstream)");
        try {
            Files.writeString(layout.deployedManifest(), Json.write(manifest.content()));
        } catch (IOException e) {
            throw new Stopped("cannot write " + layout.deployedManifest() + ": " + e.getMessage());
        }
        for (String route : manifest.routes()) {
            console.line("route " + route);
        }
        console.line("(" + DemoManifest.AUDIT_ROUTE_NAME + " is the demo's addition: every reading also goes upstream,"
                + " so the hub can tell whether any was lost)");
        service.applyConfigurationContent(DemoServers.DEVICE, manifest.content());
        console.line("applied " + rel(layout.deployedManifest()) + " to " + DemoServers.DEVICE);
        events = new HubEvents(() -> service, DemoServers.DEVICE, lines::onEvent).start();
        require(console.await("waiting for the modules to run", MODULES_TIMEOUT,
                () -> running(Ledger.SENSOR) && running(Ledger.FILTER), this::moduleStates),
                "the modules did not start");
        require(console.await("waiting for the filter's reported threshold", STEP_TIMEOUT,
                () -> reportedThreshold() == manifest.initialThreshold(), null),
                "the filter did not report its threshold");
        console.line("filter reports TemperatureThreshold " + Ledger.num(manifest.initialThreshold())
                + " (module twin, reported)");
        modulesRunning = Instant.now();
    }

    private void telemetry() {
        console.step("Telemetry: readings above " + Ledger.num(manifest.initialThreshold())
                + " pass the filter and reach the hub");
        console.line("the sensor sends a reading a second (its machine heats from 21 to 35 and starts over); each line "
                + "is one reading at the hub and whether the filter's alert for it arrived too");
        require(console.await("waiting for alerts", STEP_TIMEOUT, () -> ledger.alertCount() >= FIRST_ALERTS,
                this::tally), "no alert reached the hub");
        console.line(tally());
    }

    private void twinChange() {
        console.step("Change the filter's TemperatureThreshold to " + Ledger.num(newThreshold) + " (module twin)");
        Instant requested = Instant.now();
        ledger.thresholdChangeRequested(newThreshold, requested);
        service.patchTwin(DemoServers.DEVICE, Ledger.FILTER, Json.parseObject("{\"properties\":{\"desired\":"
                + "{\"TemperatureThreshold\":" + Ledger.num(newThreshold) + "}}}"), null);
        console.line("patched desired TemperatureThreshold = " + Ledger.num(newThreshold) + " on the hub");
        require(console.await("waiting for the filter to report it", STEP_TIMEOUT,
                () -> reportedThreshold() == newThreshold, null), "the filter did not report the new threshold");
        Instant reported = Instant.now();
        ledger.thresholdChangeReported(reported);
        console.line("filter reports TemperatureThreshold " + Ledger.num(newThreshold) + " after "
                + secs(Duration.between(requested, reported)) + " s; readings up to " + Ledger.num(newThreshold)
                + " are dropped from now on");
        require(console.pause(WATCH_AFTER_CHANGE), "stopped");
        console.line(tally());
    }

    private void offlineEpisode() {
        console.step("Offline: the hub stops for " + offline.toSeconds() + " s; the edge keeps working");
        servers.stopHub();
        Instant stopped = Instant.now();
        ledger.hubStopped(stopped);
        console.line("hub stopped; modules keep running, the edge hub stores upstream messages on disk");
        for (long s = 1; s <= offline.toSeconds(); s++) {
            require(console.pause(Duration.ofSeconds(1)), "stopped");
            long queued = watch.upstreamQueue();
            console.line("hub down " + s + " s; queued at the edge for $upstream: " + (queued < 0 ? "?" : queued));
        }
        console.line("restarting the hub on the same data directory");
        Duration took = servers.startHub();
        service = servers.service();
        Instant back = Instant.now();
        ledger.hubRestarted(back);
        console.line("hub back after " + secs(Duration.between(stopped, back)) + " s down (restart took " + secs(took)
                + " s); the edge reconnects and drains its queue");
        require(console.await("waiting for every reading made while offline", DRAIN_TIMEOUT, ledger::offlineDrained,
                () -> "queued at the edge: " + Math.max(0, watch.upstreamQueue())), "the queue did not drain");
        console.pause(ReadingLines.DELAY.multipliedBy(2)); // the drained readings' lines first
        console.line("drained: " + ledger.offline().detail());
    }

    private void live() {
        if (duration == null) {
            console.step("Live until Ctrl-C");
            while (console.pause(Duration.ofSeconds(10))) {
                console.line(tally());
            }
            return;
        }
        Instant end = liveEnd();
        if (Duration.between(Instant.now(), end).toSeconds() < 2) {
            return; // the steps took (about) as long as --duration
        }
        console.step("Live until --duration is up (" + Duration.between(Instant.now(), end).toSeconds() + " s more)");
        while (Instant.now().isBefore(end)) {
            Duration left = Duration.between(Instant.now(), end);
            if (!console.pause(left.compareTo(Duration.ofSeconds(10)) < 0 ? left : Duration.ofSeconds(10))) {
                return;
            }
            console.line(tally());
        }
    }

    private Instant liveEnd() {
        return modulesRunning.plus(duration);
    }

    /** Stops the watchers (before the servers stop, so a dying hub is not reported as news). */
    void stopWatching() {
        lines.close();
        if (events != null) {
            events.close();
        }
        if (watch != null) {
            watch.close();
        }
    }

    private String tally() {
        List<Long> gaps = ledger.gaps();
        return "hub has " + ledger.readingCount() + " readings (up to #" + ledger.lastSeq() + ", "
                + (gaps.isEmpty() ? "none missing" : "missing " + gaps) + ") and " + ledger.alertCount() + " alerts";
    }

    private boolean running(String module) {
        return "running".equals(watch.state(module));
    }

    private String moduleStates() {
        Map<String, String> states = watch.states();
        return states.isEmpty() ? "no modules yet" : states.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private double reportedThreshold() {
        try {
            JsonNode v = service.getTwin(DemoServers.DEVICE, Ledger.FILTER)
                    .at("/properties/reported/TemperatureThreshold");
            return v.isNumber() ? v.asDouble() : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new Stopped(what);
        }
    }

    private String rel(java.nio.file.Path p) {
        java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    static String secs(Duration d) {
        return secs(d.toMillis() / 1000.0);
    }

    static String secs(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }
}
