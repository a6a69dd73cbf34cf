package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.ClientOptions;
import dev.brink.client.DeviceClient;
import dev.brink.client.MethodResponse;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brink hub invoke|c2d send|monitor-events|ca} and {@code brink device simulate}, in-process, against a
 * real hub found through its data directory, with devices simulated by brink-client.
 */
@Timeout(120)
class HubMessagingCliTest {
    @TempDir
    static Path dataDir;

    private static HubServer hub;

    @BeforeAll
    static void startHub() {
        hub = HubServer.start(HubConfig.builder().dataDir(dataDir).httpsPort(0).mqttPort(0).build());
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private static Cli.Result run(String... args) {
        return Cli.run(Cli.with(new String[] {"--data", dataDir.toString()}, args));
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static Identity device(String id) {
        return hub.registry().putDevice(id, Json.object(), null);
    }

    private static DeviceClient client(Identity d) {
        return DeviceClient.fromConnectionString("HostName=" + hub.hostName() + ";DeviceId=" + d.key().deviceId()
                + ";SharedAccessKey=" + d.primaryKey(), ClientOptions.builder().trustedCaPem(hub.caCertificatePem())
                .port(hub.mqttPort()).build());
    }

    @Test
    void invokePrintsTheDevicesStatusAndPayload() {
        Identity d = device("cli-invoke");
        try (DeviceClient c = client(d)) {
            c.onMethod("ping", r -> MethodResponse.of(203, Json.object().set("got", r.payloadJson())));
            c.open();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.deviceEndpoint().connections()
                    .isOnline(IdentityKey.device("cli-invoke")));
            Cli.Result r = ok("hub", "invoke", "cli-invoke", "ping", "--payload", "{\"x\":1}", "--timeout", "10");
            assertThat(r.out()).isEqualTo("Status: 203\nPayload: {\"got\":{\"x\":1}}\n");
            JsonNode json = Json.parse(ok("hub", "invoke", "cli-invoke", "ping", "-o", "json").out());
            assertThat(json.path("status").asInt()).isEqualTo(203);
        }
        Cli.Result offline = run("hub", "invoke", "cli-invoke", "ping");
        assertThat(offline.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(offline.err()).contains("404103");
    }

    @Test
    void c2dSendIsDeliveredWithItsProperties() throws Exception {
        Identity d = device("cli-c2d");
        Cli.Result r = ok("hub", "c2d", "send", "cli-c2d", "hello device", "--property", "color=red",
                "--property", "size=XL", "--message-id", "cli-m1", "--ttl", "60");
        assertThat(r.out()).startsWith("Queued message cli-m1 for cli-c2d (expires ");
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        try (DeviceClient c = client(d)) {
            c.onMessage(received::add);
            c.open();
            Message m = received.poll(20, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.bodyAsString()).isEqualTo("hello device");
            assertThat(m.messageId()).isEqualTo("cli-m1");
            assertThat(m.properties()).containsExactly(Map.entry("color", "red"), Map.entry("size", "XL"));
        }
        Cli.Result tooLong = run("hub", "c2d", "send", "cli-c2d", "x", "--ttl", "999999");
        assertThat(tooLong.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
    }

    @Test
    void monitorEventsReadsStoredEventsAndFollowsNewOnes() throws Exception {
        Identity d = device("cli-events");
        long from = hub.eventLog().nextOffset();
        try (DeviceClient c = client(d)) {
            c.open();
            for (int i = 0; i < 3; i++) {
                c.sendEvent(Message.builder().body("{\"n\":" + i + "}").messageId("ev-" + i).property("k", "v" + i)
                        .build());
            }
            Cli.Result json = ok("hub", "monitor-events", "--device", "cli-events", "--from", Long.toString(from),
                    "--count", "3", "-o", "json");
            List<String> lines = json.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(Json.parse(lines.get(2)).path("body").asText()).isEqualTo("{\"n\":2}");

            Cli.Result human = ok("hub", "monitor-events", "--device", "cli-events", "--from", "start", "--count", "1");
            assertThat(human.out()).matches("(?s)\\S+Z  cli-events  \\$\\.mid=ev-0, k=v0  \\{\"n\":0}\n");

            // live: started before the event is sent, stops after one event
            CompletableFuture<Cli.Result> live = CompletableFuture.supplyAsync(() -> ok("hub", "monitor-events",
                    "--device", "cli-events", "--count", "1", "--timeout", "30"));
            Thread.sleep(1500);
            c.sendEvent(Message.builder().body("live").messageId("ev-live").build());
            assertThat(live.get(30, TimeUnit.SECONDS).out()).contains("ev-live").contains("live");
        }
        // --timeout ends a quiet stream
        long start = System.nanoTime();
        assertThat(ok("hub", "monitor-events", "--device", "nobody", "--timeout", "1").out()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void caPrintsTheHubsCaCertificateFromTheDataDirOrTheServer() {
        assertThat(ok("hub", "ca").out()).isEqualTo(hub.caCertificatePem().endsWith("\n") ? hub.caCertificatePem()
                : hub.caCertificatePem() + "\n");
        Cli.Result fetched = ok("hub", "ca", "--server", "127.0.0.1:" + hub.httpsPort());
        assertThat(fetched.out().trim()).isEqualTo(hub.caCertificatePem().trim());
        assertThat(fetched.err()).contains("SHA-256 ").containsPattern("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void simulateSendsTelemetryAndAnswersTheHub() throws Exception {
        device("cli-sim");
        long from = hub.eventLog().nextOffset();
        CompletableFuture<Cli.Result> sim = CompletableFuture.supplyAsync(() -> ok("device", "simulate", "cli-sim",
                "--rate", "5", "--duration", "12", "--mqtt-port", Integer.toString(hub.mqttPort())));
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.deviceEndpoint().connections()
                .isOnline(IdentityKey.device("cli-sim")));
        Cli.Result ping = ok("hub", "invoke", "cli-sim", "ping", "--payload", "{\"hello\":1}");
        assertThat(ping.out()).startsWith("Status: 200\n").contains("\"pong\"").contains("{\"hello\":1}");
        ok("hub", "twin", "update", "cli-sim", "--desired", "{\"interval\":3}");
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.twins().getDocument(IdentityKey.device("cli-sim"))
                .reported().path("interval").asInt() == 3);
        ok("hub", "c2d", "send", "cli-sim", "beep");
        Cli.Result r = sim.get(60, TimeUnit.SECONDS);
        assertThat(r.out()).contains("connected as cli-sim").contains("sent #5 {\"temperature\":")
                .contains("method ping {\"hello\":1}").contains("desired v2 {\"interval\":3")
                .contains("reported v2 {\"interval\":3}").contains("c2d message").contains("beep");
        JsonNode first = Json.parse(new String(hub.eventLog().read(from, 100).stream()
                .filter(e -> e.deviceId().equals("cli-sim")).findFirst().orElseThrow().body(), StandardCharsets.UTF_8));
        assertThat(first.has("temperature")).isTrue();
        assertThat(first.has("humidity")).isTrue();
        assertThat(first.has("ts")).isTrue();
    }
}
