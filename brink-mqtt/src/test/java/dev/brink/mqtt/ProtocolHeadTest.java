package dev.brink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.core.id.IdentityKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The head on its own, through real MQTT 3.1.1 over TLS (and WSS) sockets, against an in-memory backend:
 * module inputs, redelivery until PUBACK, refusals, durable-then-PUBACK in order, WebSocket on a foreign HTTPS
 * server.
 */
class ProtocolHeadTest {
    private Vertx vertx;
    private MemoryBackend backend;
    private ProtocolHead head;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        backend = new MemoryBackend();
        head = ProtocolHead.start(vertx, options(), backend, null);
    }

    @AfterEach
    void stop() {
        head.close();
        vertx.close().await();
    }

    private static HeadOptions options() {
        return new HeadOptions("test", "127.0.0.1", 0, TestTls.get().serverCertificate, 2);
    }

    @Test
    void moduleInputsAreDeliveredOnTheInputsTopicOnceSubscribed() throws Exception {
        IdentityKey module = IdentityKey.module("edge-1", "filter");
        String inputs = "devices/edge-1/modules/filter/inputs/";
        backend.deliveries.add(module, delivery("1", inputs + "input1/%24.mid=1", "one"));
        try (TestClient c = TestClient.connect(head, "edge-1/filter", false)) {
            assertThat(c.received.poll(300, TimeUnit.MILLISECONDS)).as("nothing before SUBSCRIBE").isNull();
            c.subscribe(inputs + "#");
            TestClient.Received first = c.next();
            assertThat(first.topic()).isEqualTo(inputs + "input1/%24.mid=1");
            assertThat(first.body()).isEqualTo("one");
            assertThat(first.qos()).isEqualTo(1);

            // A new input while connected: the backend signals, the head fetches and publishes it.
            backend.deliveries.add(module, delivery("2", inputs + "input2/%24.mid=2", "two"));
            head.connections().deliveriesAvailable(module);
            TestClient.Received second = c.next();
            assertThat(second.topic()).startsWith(inputs + "input2/");
            assertThat(second.body()).isEqualTo("two");

            await().atMost(TestClient.WAIT).until(() -> backend.deliveries.acknowledged.size() == 2);
            assertThat(backend.deliveries.acknowledged).containsExactly("1", "2");
            assertThat(backend.deliveries.pendingCount(module)).isZero();
        }
    }

    @Test
    void deliveriesAreRedeliveredOnEachConnectionUntilPubacked() throws Exception {
        IdentityKey device = IdentityKey.device("dev-1");
        String filter = "devices/dev-1/messages/devicebound/#";
        backend.deliveries.add(device, delivery("c1", "devices/dev-1/messages/devicebound/%24.mid=c1", "hello"));

        try (TestClient first = TestClient.connect(head, "dev-1", true)) {
            first.subscribe(filter);
            assertThat(first.next().body()).isEqualTo("hello"); // never PUBACKed
        }
        try (TestClient second = TestClient.connect(head, "dev-1", true)) {
            second.subscribe(filter);
            TestClient.Received again = second.next();
            assertThat(again.body()).isEqualTo("hello");
            second.ack(again);
            await().atMost(TestClient.WAIT).until(() -> backend.deliveries.pendingCount(device) == 0);
        }
        try (TestClient third = TestClient.connect(head, "dev-1", true)) {
            third.subscribe(filter);
            assertThat(third.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
        }
        assertThat(backend.deliveries.deliveryCounts).containsEntry("c1", 2);
        assertThat(backend.deliveries.acknowledged).containsExactly("c1");
    }

    @Test
    void aRefusedMessageClosesItsConnectionWhileOthersKeepWorking() throws Exception {
        backend.onAccept = (key, m) -> {
            if (key.deviceId().equals("full")) {
                return CompletableFuture.failedFuture(new MessageRefusedException("message store is full"));
            }
            backend.accepted.add(m);
            return CompletableFuture.completedFuture(null);
        };
        try (TestClient good = TestClient.connect(head, "good", false);
             TestClient refused = TestClient.connect(head, "full", false)) {
            IMqttDeliveryToken never = refused.publish("devices/full/messages/events/", "x", 1);
            await().atMost(TestClient.WAIT).until(() -> refused.connectionLost != null);
            assertThat(never.isComplete() && never.getException() == null).as("no PUBACK for a refusal").isFalse();

            good.publish("devices/good/messages/events/a=1", "fine", 1).waitForCompletion(TestClient.WAIT.toMillis());
            assertThat(good.client.isConnected()).isTrue();
            InboundMessage m = backend.accepted.get(backend.accepted.size() - 1);
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("fine");
            assertThat(m.systemProperties()).containsEntry("$.cdid", "good");
            assertThat(m.applicationProperties()).containsEntry("a", "1");
            assertThat(m.acknowledged()).isTrue();
        }
    }

    @Test
    void pubacksLeaveOnlyOnceAcceptedAndInPublishOrder() throws Exception {
        List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
        backend.onAccept = (key, m) -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.add(f);
            return f;
        };
        try (TestClient c = TestClient.connect(head, "slow", false)) {
            IMqttDeliveryToken first = c.publish("devices/slow/messages/events/", "1", 1);
            IMqttDeliveryToken second = c.publish("devices/slow/messages/events/", "2", 1);
            await().atMost(TestClient.WAIT).until(() -> held.size() == 2);
            Thread.sleep(300);
            assertThat(first.isComplete()).as("not durable yet: no PUBACK").isFalse();

            held.get(1).complete(null); // the backend finishes out of order
            Thread.sleep(300);
            assertThat(first.isComplete()).isFalse();
            assertThat(second.isComplete()).as("PUBACK 2 must wait for PUBACK 1").isFalse();

            held.get(0).complete(null);
            first.waitForCompletion(TestClient.WAIT.toMillis());
            second.waitForCompletion(TestClient.WAIT.toMillis());
            assertThat(c.client.isConnected()).isTrue();
        }
    }

    @Test
    void mqttOverWebSocketOnTheOwnersHttpsServer() throws Exception {
        Router router = Router.router(vertx);
        ProtocolHead wsHead = ProtocolHead.start(vertx, options(), backend, router);
        HttpServerOptions https = ProtocolHead.webSocketReady(new HttpServerOptions()
                .setHost("127.0.0.1").setPort(0).setSsl(true).setKeyCertOptions(TestTls.get().serverCertificate));
        HttpServer server = vertx.createHttpServer(https).requestHandler(router).listen().await();
        try (TestClient c = TestClient.connect("wss://127.0.0.1:" + server.actualPort()
                + ProtocolHead.WEBSOCKET_PATH + "?iothub-no-client-cert=true", "ws-dev", false)) {
            c.publish("devices/ws-dev/messages/events/", "over websocket", 1).waitForCompletion(
                    TestClient.WAIT.toMillis());
            assertThat(new String(backend.accepted.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("over websocket");
            assertThat(wsHead.connections().isConnected(IdentityKey.device("ws-dev"))).isTrue();
        } finally {
            server.close().await();
            wsHead.close();
        }
        await().atMost(TestClient.WAIT).until(() -> backend.events.contains("disconnected /devices/ws-dev"));
    }

    private static Deliveries.Delivery delivery(String id, String topic, String body) {
        return new Deliveries.Delivery(id, topic, body.getBytes(StandardCharsets.UTF_8));
    }
}
