package dev.brink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batched write path reaches vertx-mqtt's pipeline (so a vertx-mqtt upgrade that closes it fails here rather
 * than silently falling back): PUBACKs and QoS 1 PUBLISHes written through it leave only on flush, in the order
 * written, and the PUBLISHes carry packet ids that the client's PUBACKs name. A real vertx-mqtt server and a Paho
 * client on loopback.
 */
class ChannelWriterTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<MqttAsyncClient> clients = new ArrayList<>();

    /** A Paho client connected to a vertx-mqtt server, and that connection's writer and context on the server. */
    private record Connected(MqttAsyncClient client, ChannelWriter writer, Context context) {
    }

    @AfterEach
    void close() throws Exception {
        for (MqttAsyncClient client : clients) {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(10_000);
            }
            client.close();
        }
        vertx.close().await(); // closes the servers
    }

    @Test
    void pubacksLeaveOnFlushInWriteOrder() throws Exception {
        List<Integer> published = new CopyOnWriteArrayList<>();
        Connected c = connect(endpoint -> endpoint.publishHandler(m -> published.add(m.messageId())));
        ChannelWriter w = c.writer();
        assertThat(w.batching()).as("vertx-mqtt's channel is reachable").isTrue();
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tokens.add(c.client().publish("devices/dev-1/messages/events/", ("m" + i).getBytes(StandardCharsets.UTF_8),
                    1, false));
        }
        await().atMost(TestClient.WAIT).until(() -> published.size() == 3);

        onContext(c.context(), () -> published.forEach(w::puback));
        Thread.sleep(300);
        assertThat(tokens).noneMatch(IMqttDeliveryToken::isComplete); // written, not flushed: nothing left

        onContext(c.context(), w::flush);
        for (IMqttDeliveryToken t : tokens) {
            t.waitForCompletion(10_000);
            assertThat(t.getException()).isNull();
        }
    }

    @Test
    void qos1PublishesLeaveOnFlushWithFreePacketIdsThatTheClientAcknowledges() throws Exception {
        List<Integer> acked = new CopyOnWriteArrayList<>();
        Connected c = connect(endpoint -> {
            endpoint.subscribeHandler(s -> endpoint.subscribeAcknowledge(s.messageId(),
                    List.of(io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE)));
            endpoint.publishAcknowledgeHandler(acked::add);
        });
        List<String> received = new CopyOnWriteArrayList<>();
        c.client().subscribe("devices/dev-1/messages/devicebound/#", 1,
                (topic, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8) + "@" + m.getQos()))
                .waitForCompletion(10_000);
        ChannelWriter w = c.writer();
        java.util.Set<Integer> inUse = java.util.Set.of(2); // id 2 is still in flight: skipped
        List<Integer> ids = new CopyOnWriteArrayList<>();
        onContext(c.context(), () -> {
            for (int i = 0; i < 3; i++) {
                ids.add(w.publishAtLeastOnce("devices/dev-1/messages/devicebound/", ("c" + i).getBytes(
                        StandardCharsets.UTF_8), inUse::contains));
            }
        });
        Thread.sleep(300);
        assertThat(received).as("written, not flushed").isEmpty();
        assertThat(ids).containsExactly(1, 3, 4);

        onContext(c.context(), w::flush);
        await().atMost(TestClient.WAIT).until(() -> received.size() == 3 && acked.size() == 3);
        assertThat(received).containsExactly("c0@1", "c1@1", "c2@1");
        assertThat(acked).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Starts a server whose endpoint {@code setUp} prepares before it is accepted, and connects a client to it. */
    private Connected connect(Consumer<MqttEndpoint> setUp) throws Exception {
        CompletableFuture<ChannelWriter> writer = new CompletableFuture<>();
        CompletableFuture<Context> context = new CompletableFuture<>();
        MqttServer server = MqttServer.create(vertx, new MqttServerOptions().setHost("127.0.0.1").setPort(0));
        server.endpointHandler(endpoint -> {
            ChannelWriter w = ChannelWriter.of(endpoint);
            setUp.accept(endpoint);
            endpoint.accept(false);
            context.complete(Vertx.currentContext());
            writer.complete(w);
        });
        int port = server.listen().await().actualPort();
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "dev-1", new MemoryPersistence());
        clients.add(client);
        client.connect().waitForCompletion(10_000);
        return new Connected(client, writer.get(10, TimeUnit.SECONDS), context.get(10, TimeUnit.SECONDS));
    }

    private static void onContext(Context ctx, Runnable r) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            r.run();
            done.complete(null);
        });
        done.get(10, TimeUnit.SECONDS);
    }
}
