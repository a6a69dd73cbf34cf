package dev.brink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.message.IotHubTopic;
import dev.brink.core.message.IotHubTopics;
import dev.brink.core.message.Message;
import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's MQTT behaviour against {@link FakeMqttServer} (TLS on loopback), until the hub endpoint exists. */
@Timeout(60)
class MqttSessionTest {
    private static final String KEY = Keys.generateKey();
    private FakeMqttServer server;
    private final List<IotHubClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new FakeMqttServer();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(IotHubClient::close);
        server.close();
    }

    private DeviceClient device(ClientOptions.Builder options) {
        DeviceClient c = DeviceClient.fromConnectionString("HostName=localhost:" + server.port()
                + ";DeviceId=dev1;SharedAccessKey=" + KEY, options.trustedCaPem(TestTls.CERT_PEM).build());
        clients.add(c);
        return c;
    }

    private static ClientOptions.Builder fast() {
        return ClientOptions.builder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .operationTimeout(Duration.ofSeconds(5));
    }

    @Test
    void connectPacketIsFormedLikeTheOfficialSdkAndRefusalIsExplained() throws Exception {
        server.connackCode = 5;
        DeviceClient c = device(ClientOptions.builder());
        IotHubClientException e = (IotHubClientException) catchThrowable(c::open);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.Unauthorized);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e).hasMessage("connection refused: not authorized — check the key or token expiry");
        assertThat(e.isRetryable()).isFalse();

        FakeMqttServer.Connect connect = server.nextConnect();
        assertThat(connect.clientId()).isEqualTo("dev1");
        assertThat(connect.username())
                .isEqualTo("localhost/dev1/?api-version=2020-09-30&DeviceClientType=brink-client%2F0.1");
        assertThat(connect.cleanSession()).isFalse();
        assertThat(connect.keepAlive()).isEqualTo(230);
        assertThat(connect.level()).isEqualTo(4);
        SasToken token = SasToken.parse(connect.password());
        assertThat(token.resourceDecoded()).isEqualTo("localhost/devices/dev1");
        assertThat(SasTokens.signatureMatches(token, KEY)).isTrue();
        assertThat(token.expiresAt() - System.currentTimeMillis() / 1000).isBetween(3590L, 3600L);
        assertThat(c.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void serverUnavailableIsRetryableAndUntrustedCertificateIsExplained() {
        server.connackCode = 3;
        IotHubClientException unavailable = (IotHubClientException) catchThrowable(device(ClientOptions.builder())::open);
        assertThat(unavailable.errorCode()).isEqualTo(ErrorCode.ServiceUnavailable);
        assertThat(unavailable.isRetryable()).isTrue();

        DeviceClient untrusting = DeviceClient.fromConnectionString("HostName=localhost:" + server.port()
                + ";DeviceId=dev1;SharedAccessKey=" + KEY);
        clients.add(untrusting);
        assertThat(catchThrowable(untrusting::open)).isInstanceOf(IotHubClientException.class)
                .hasMessageContaining("TLS handshake failed").hasMessageContaining("trustedCaPem");
    }

    @Test
    void telemetryC2dTwinAndMethods() throws Exception {
        server.onPublish = (p, s) -> {
            if (IotHubTopics.parse(p.topic()) instanceof IotHubTopic.TwinGet get) {
                reply(s, new IotHubTopic.TwinResponse(200, get.requestId(), null).topic(),
                        "{\"desired\":{\"a\":1,\"$version\":3},\"reported\":{\"$version\":7}}");
            } else if (IotHubTopics.parse(p.topic()) instanceof IotHubTopic.TwinReportedPatch patch) {
                reply(s, new IotHubTopic.TwinResponse(204, patch.requestId(), 8L).topic(), "");
            }
        };
        DeviceClient c = device(fast());
        c.onMethod("reboot", r -> MethodResponse.ok(Json.object().put("echo", r.payloadJson().path("x").asInt())));
        BlockingQueue<Message> c2d = new LinkedBlockingQueue<>();
        c.open();
        assertThat(server.subscribes.poll()).isEqualTo("$iothub/methods/POST/#");

        c.sendEvent(Message.builder().body("{\"t\":21}").messageId("m1").property("unit", "°C").build());
        FakeMqttServer.Publish telemetry = server.nextPublish();
        assertThat(telemetry.topic()).isEqualTo("devices/dev1/messages/events/$.mid=m1&unit=%C2%B0C");
        assertThat(telemetry.qos()).isEqualTo(1);

        c.onMessage(m -> {
            c2d.add(m);
            assertThat(server.clientAcks).as("PUBACK only after the handler returns").isEmpty();
        });
        assertThat(FakeMqttServer.poll(server.subscribes)).isEqualTo("devices/dev1/messages/devicebound/#");
        server.deliver("devices/dev1/messages/devicebound/%24.mid=c1&color=red", 1, "hi".getBytes());
        Message received = FakeMqttServer.poll(c2d);
        assertThat(received.messageId()).isEqualTo("c1");
        assertThat(received.property("color")).isEqualTo("red");
        assertThat(FakeMqttServer.poll(server.clientAcks)).isEqualTo(1);

        var twin = c.getTwin();
        assertThat(server.subscribes).contains("$iothub/twin/res/#");
        assertThat(twin.desiredVersion()).isEqualTo(3);
        assertThat(twin.reportedVersion()).isEqualTo(7);
        assertThat(c.updateReportedProperties(Json.object().put("fw", "1.0"))).isEqualTo(8);

        server.deliver("$iothub/methods/POST/reboot/?$rid=42", 0, "{\"x\":5}".getBytes());
        FakeMqttServer.Publish response = awaitPublish("$iothub/methods/res/");
        assertThat(response.topic()).isEqualTo("$iothub/methods/res/200/?$rid=42");
        assertThat(response.body()).isEqualTo("{\"echo\":5}");

        server.deliver("$iothub/methods/POST/unknown/?$rid=43", 0, new byte[0]);
        assertThat(awaitPublish("$iothub/methods/res/").topic()).isEqualTo("$iothub/methods/res/404/?$rid=43");
    }

    @Test
    void desiredPatchesReachTheHandler() throws Exception {
        DeviceClient c = device(fast());
        BlockingQueue<Long> versions = new LinkedBlockingQueue<>();
        BlockingQueue<ObjectNode> patches = new LinkedBlockingQueue<>();
        c.onDesiredPropertiesUpdate((patch, version) -> {
            patches.add(patch);
            versions.add(version);
        });
        c.open();
        assertThat(server.subscribes.poll()).isEqualTo("$iothub/twin/PATCH/properties/desired/#");
        server.deliver("$iothub/twin/PATCH/properties/desired/?$version=25", 0,
                "{\"some-property\":123,\"$version\":25}".getBytes());
        assertThat(FakeMqttServer.poll(versions)).isEqualTo(25);
        assertThat(FakeMqttServer.poll(patches).get("some-property").asInt()).isEqualTo(123);
    }

    @Test
    void twinErrorsAndTimeouts() throws Exception {
        server.onPublish = (p, s) -> {
            if (IotHubTopics.parse(p.topic()) instanceof IotHubTopic.TwinReportedPatch patch) {
                reply(s, new IotHubTopic.TwinResponse(400, patch.requestId(), null).topic(),
                        "{\"errorCode\":400004,\"message\":\"nesting too deep\"}");
            }
        };
        DeviceClient c = device(fast().operationTimeout(Duration.ofMillis(700)));
        c.open();
        IotHubClientException bad = (IotHubClientException) catchThrowable(
                () -> c.updateReportedProperties(Json.object().put("a", 1)));
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        assertThat(bad).hasMessageContaining("nesting too deep");

        IotHubClientException timeout = (IotHubClientException) catchThrowable(c::getTwin);
        assertThat(timeout.errorCode()).isEqualTo(ErrorCode.GatewayTimeout);
        assertThat(timeout).hasMessageContaining("twin GET timed out");
    }

    @Test
    void reconnectsWithAFreshTokenResubscribesWhenTheSessionIsGoneAndResendsUnackedTelemetry() throws Exception {
        DeviceClient c = device(fast());
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        c.onConnectionStateChange((s, reason) -> states.add(s));
        c.onMethod("m", r -> MethodResponse.ok(null));
        c.open();
        server.nextConnect();
        assertThat(FakeMqttServer.poll(server.subscribes)).isEqualTo("$iothub/methods/POST/#");

        server.holdPubacks = true;
        CompletableFuture<Void> sent = c.sendEventAsync(Message.of("x"));
        server.nextPublish();
        server.holdPubacks = false;
        server.sessionPresent = false;
        server.dropConnection();

        FakeMqttServer.Connect again = server.nextConnect();
        assertThat(again.password()).startsWith("SharedAccessSignature ");
        assertThat(FakeMqttServer.poll(server.subscribes)).as("session not present: subscribe again")
                .isEqualTo("$iothub/methods/POST/#");
        assertThat(server.nextPublish().body()).isEqualTo("x");
        sent.get(5, TimeUnit.SECONDS);
        waitFor(() -> states.equals(List.of(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED_RETRYING,
                ConnectionState.CONNECTED)), states);

        server.sessionPresent = true;
        server.dropConnection();
        server.nextConnect();
        c.sendEvent(Message.of("y"));
        assertThat(server.subscribes).as("session present: no SUBSCRIBE").isEmpty();
    }

    @Test
    void aMessageTheServerKeepsClosingTheConnectionOnFailsAsRefusedInsteadOfTimingOut() throws Exception {
        DeviceClient c = device(fast().operationTimeout(Duration.ofSeconds(30)));
        c.open();
        server.nextConnect();
        server.holdPubacks = true; // the server never acknowledges it: it closes the connection instead
        CompletableFuture<Void> refused = c.sendEventAsync(Message.of("too much"));
        for (int i = 1; i <= MqttSession.CLOSES_BEFORE_REFUSED; i++) {
            assertThat(server.nextPublish().body()).isEqualTo("too much");
            assertThat(refused).as("still pending after %d closes", i - 1).isNotDone();
            server.dropConnection();
            if (i < MqttSession.CLOSES_BEFORE_REFUSED) {
                server.nextConnect();
            }
        }
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IotHubClientException.class)
                .cause().hasMessageContaining("was refused: the server closed the connection 3 times")
                .satisfies(e -> assertThat(((IotHubClientException) e).status()).isEqualTo(503));
        server.nextConnect();
        server.holdPubacks = false;
        c.sendEvent(Message.of("fits"));
        assertThat(server.nextPublish().body()).as("the refused one is not sent again").isEqualTo("fits");
    }

    @Test
    void aCancelledPublishIsNotSentAgainAfterTheReconnect() throws Exception {
        DeviceClient c = device(fast());
        c.open();
        server.nextConnect();
        server.holdPubacks = true;
        CompletableFuture<Void> withdrawn = c.sendEventAsync(Message.of("withdrawn"));
        CompletableFuture<Void> kept = c.sendEventAsync(Message.of("kept"));
        server.nextPublish();
        server.nextPublish();
        withdrawn.cancel(false);
        server.holdPubacks = false;
        server.dropConnection();

        server.nextConnect();
        assertThat(server.nextPublish().body()).isEqualTo("kept");
        kept.get(5, TimeUnit.SECONDS);
        c.sendEvent(Message.of("next"));
        assertThat(server.nextPublish().body()).as("the cancelled one was not re-sent").isEqualTo("next");
    }

    @Test
    void anAsyncMethodHandlerAnswersLaterWithoutHoldingOtherMethods() throws Exception {
        DeviceClient c = device(fast());
        CompletableFuture<MethodResponse> slow = new CompletableFuture<>();
        c.onDefaultMethodAsync(r -> r.methodName().equals("slow") ? slow
                : CompletableFuture.completedFuture(MethodResponse.of(202, Json.object().put("m", r.methodName()))));
        c.open();
        server.deliver("$iothub/methods/POST/slow/?$rid=1", 0, new byte[0]);
        server.deliver("$iothub/methods/POST/fast/?$rid=2", 0, new byte[0]);
        FakeMqttServer.Publish first = awaitPublish("$iothub/methods/res/");
        assertThat(first.topic()).isEqualTo("$iothub/methods/res/202/?$rid=2");
        assertThat(first.body()).isEqualTo("{\"m\":\"fast\"}");
        slow.completeExceptionally(new IllegalStateException("relay broke"));
        assertThat(awaitPublish("$iothub/methods/res/").topic()).isEqualTo("$iothub/methods/res/500/?$rid=1");
    }

    @Test
    void renewsTheTokenByReconnectingBeforeItExpires() throws Exception {
        DeviceClient c = device(fast().sasTokenLifetime(Duration.ofSeconds(4)).tokenRenewalFraction(0.25));
        c.open();
        SasToken first = SasToken.parse(server.nextConnect().password());
        SasToken second = SasToken.parse(server.nextConnect().password());
        assertThat(server.disconnects.poll(5, TimeUnit.SECONDS)).isEqualTo("DISCONNECT");
        assertThat(second.expiresAt()).isGreaterThanOrEqualTo(first.expiresAt());
        assertThat(SasTokens.signatureMatches(second, KEY)).isTrue();
        c.sendEvent(Message.of("still works"));
        assertThat(c.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void refusedReconnectEndsInDisconnectedAndFailsOperations() throws Exception {
        DeviceClient c = device(fast());
        BlockingQueue<IotHubClientException> reasons = new LinkedBlockingQueue<>();
        c.onConnectionStateChange((s, reason) -> {
            if (s == ConnectionState.DISCONNECTED && reason != null) {
                reasons.add(reason);
            }
        });
        c.open();
        server.connackCode = 5;
        server.dropConnection();
        IotHubClientException reason = FakeMqttServer.poll(reasons);
        assertThat(reason.errorCode()).isEqualTo(ErrorCode.Unauthorized);
        assertThat(catchThrowable(() -> c.sendEvent(Message.of("x")))).hasMessageContaining("not authorized");
    }

    @Test
    void backoffGrowsToTheBoundWithJitter() {
        try (DeviceClient c = device(ClientOptions.builder())) {
            MqttSession s = new MqttSession(c.settings(), c.tokenProvider(), c.options(), (t, p, a) -> { },
                    (st, r) -> { });
            assertThat(s.backoff(0).toMillis()).isBetween(750L, 1000L);
            assertThat(s.backoff(3).toMillis()).isBetween(6000L, 8000L);
            assertThat(s.backoff(10).toMillis()).isBetween(45_000L, 60_000L);
            assertThat(s.backoff(100).toMillis()).isBetween(45_000L, 60_000L);
            s.close();
        }
    }

    private FakeMqttServer.Publish awaitPublish(String prefix) throws InterruptedException {
        while (true) {
            FakeMqttServer.Publish p = server.nextPublish();
            if (p.topic().startsWith(prefix)) {
                return p;
            }
        }
    }

    private static void reply(FakeMqttServer s, String topic, String body) {
        try {
            s.deliver(topic, 0, body.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Object shown) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s: " + shown);
            }
            Thread.sleep(20);
        }
    }
}
