package dev.brink.hub.clientcompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.ConnectionState;
import dev.brink.client.DeviceClient;
import dev.brink.client.MethodResponse;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.hub.events.DeviceEvent;
import dev.brink.hub.registry.Identity;
import dev.brink.core.id.IdentityKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * brink-client when things go wrong: the hub restarts in the middle of a telemetry stream (the client
 * reconnects, keeps its subscriptions, and every acknowledged message is in the events log), and short-lived
 * SAS tokens (the hub closes a connection when its token expires; the client reconnects with a new token).
 */
@Timeout(180)
class BrinkClientResilienceTest {
    private HubFixture fixture;

    @BeforeEach
    void start() {
        fixture = HubFixture.start();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void hubRestartMidStreamLosesNothingAcknowledgedAndKeepsSubscriptions() throws Exception {
        Identity d = fixture.device("rs-dev");
        BlockingQueue<Message> c2d = new LinkedBlockingQueue<>();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);
        try (DeviceClient client = fixture.deviceClient(d)) {
            client.onConnectionStateChange((state, reason) -> states.add(state));
            client.onMessage(c2d::add);
            client.onMethod("ping", r -> MethodResponse.ok(Json.object().put("pong", true)));
            client.open();
            Thread sender = new Thread(() -> {
                for (int i = 0; sending.get(); i++) {
                    String id = "rs-" + i;
                    try {
                        client.sendEvent(Message.builder().body("n=" + i).messageId(id).build());
                        acknowledged.add(id);
                    } catch (RuntimeException e) {
                        // not acknowledged: it may or may not be stored, and that is allowed
                    }
                }
            }, "rs-sender");
            sender.start();
            await().atMost(HubFixture.WAIT).until(() -> acknowledged.size() >= 50);

            fixture.restartHub();
            int afterRestart = acknowledged.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= afterRestart + 50);
            sending.set(false);
            sender.join(60_000);
            assertThat(states).contains(ConnectionState.DISCONNECTED_RETRYING);
            assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTED);

            Set<String> stored = fixture.hub().eventLog().read(0, 1_000_000).stream()
                    .filter(e -> e.deviceId().equals("rs-dev"))
                    .map(e -> e.systemProperties().get("$.mid")).collect(Collectors.toSet());
            assertThat(stored).containsAll(acknowledged);

            // the subscriptions made before the restart still work: a direct method and a C2D message
            await().atMost(HubFixture.WAIT).until(() -> fixture.hub().deviceEndpoint().connections()
                    .isOnline(IdentityKey.device("rs-dev")));
            HttpResponse<String> call = fixture.send("POST", "/twins/rs-dev/methods",
                    "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":10}".getBytes(StandardCharsets.UTF_8));
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            assertThat(Json.parse(call.body()).path("payload").path("pong").asBoolean()).isTrue();
            fixture.send("POST", "/devices/rs-dev/messages/deviceBound", "after".getBytes(StandardCharsets.UTF_8));
            Message m = c2d.poll(20, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.bodyAsString()).isEqualTo("after");
        } finally {
            sending.set(false);
        }
    }

    @Test
    void c2dMessagesQueuedBeforeAHubRestartAreDeliveredAfterIt() throws Exception {
        Identity d = fixture.device("rs-c2d");
        fixture.send("POST", "/devices/rs-c2d/messages/deviceBound", "one".getBytes(StandardCharsets.UTF_8));
        fixture.send("POST", "/devices/rs-c2d/messages/deviceBound", "two".getBytes(StandardCharsets.UTF_8));
        fixture.restartHub();
        BlockingQueue<Message> c2d = new LinkedBlockingQueue<>();
        try (DeviceClient client = fixture.deviceClient(d)) {
            client.onMessage(c2d::add);
            client.open();
            assertThat(c2d.poll(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("one");
            assertThat(c2d.poll(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("two");
        }
    }

    @Test
    void shortLivedTokensAreRenewedBeforeTheHubDropsTheConnection() throws Exception {
        keepsWorkingWithTokensOf(Duration.ofSeconds(5), 0.85, "tk-renew");
    }

    @Test
    void whenTheHubDropsAConnectionAtTokenExpiryTheClientReconnectsWithANewToken() throws Exception {
        // renewal planned after the expiry: the hub closes the connection first, the client reconnects
        keepsWorkingWithTokensOf(Duration.ofSeconds(4), 0.99, "tk-expire");
    }

    private void keepsWorkingWithTokensOf(Duration lifetime, double renewAt, String deviceId) throws Exception {
        Identity d = fixture.device(deviceId);
        BlockingQueue<Message> c2d = new LinkedBlockingQueue<>();
        try (DeviceClient client = fixture.deviceClient(d, fixture.clientOptions().sasTokenLifetime(lifetime)
                .tokenRenewalFraction(renewAt).build())) {
            client.onMessage(c2d::add);
            client.onMethod("ping", r -> MethodResponse.ok(Json.object().put("pong", true)));
            client.open();
            long from = fixture.hub().eventLog().nextOffset();
            long end = System.nanoTime() + lifetime.multipliedBy(3).toNanos();
            int sent = 0;
            while (System.nanoTime() < end) {
                client.sendEvent(Message.builder().body("tick").messageId(deviceId + "-" + sent).build());
                sent++;
                Thread.sleep(250);
            }
            List<DeviceEvent> events = fixture.hub().eventLog().read(from, 100_000).stream()
                    .filter(e -> e.deviceId().equals(deviceId)).toList();
            assertThat(events.stream().map(e -> e.systemProperties().get("$.mid")).distinct().count())
                    .isEqualTo(sent);

            // three token lifetimes later the subscriptions still work
            await().atMost(HubFixture.WAIT).until(() -> fixture.hub().deviceEndpoint().connections()
                    .isOnline(IdentityKey.device(deviceId)));
            HttpResponse<String> call = fixture.send("POST", "/twins/" + deviceId + "/methods",
                    "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":10,\"connectTimeoutInSeconds\":10}"
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            JsonNode body = Json.parse(call.body());
            assertThat(body.path("payload").path("pong").asBoolean()).isTrue();
            fixture.send("POST", "/devices/" + deviceId + "/messages/deviceBound", "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(c2d.poll(20, TimeUnit.SECONDS)).isNotNull();
        }
    }
}
