package dev.brink.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.DeviceClient;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.hub.clientcompat.HubFixture;
import dev.brink.hub.registry.Identity;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GET /messages/events: events appended by real device publishes, streamed from offsets, live with follow. */
@Timeout(120)
class EventsApiTest {
    private static HubFixture fixture;
    private static DeviceClient alpha;
    private static DeviceClient beta;

    @BeforeAll
    static void start() {
        fixture = HubFixture.start();
        Identity a = fixture.device("ev-alpha");
        Identity b = fixture.device("ev-beta");
        alpha = fixture.deviceClient(a);
        beta = fixture.deviceClient(b);
        alpha.open();
        beta.open();
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
        fixture.close();
    }

    private static List<JsonNode> lines(String query) {
        HttpResponse<String> r = fixture.send("GET", "/messages/events?" + query, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> out = new ArrayList<>();
        r.body().lines().filter(l -> !l.isBlank()).forEach(l -> out.add(Json.parse(l)));
        return out;
    }

    @Test
    void eventsAreStreamedFromAnOffsetWithTheirProperties() {
        long from = fixture.hub().eventLog().nextOffset();
        alpha.sendEvent(Message.builder().body("{\"t\":1}").messageId("m-1").contentType("application/json")
                .property("kind", "reading").build());
        beta.sendEvent(Message.of("beta says hi"));
        alpha.sendEvent(Message.builder().body(new byte[] {(byte) 0xff, 0, 1}).messageId("m-bin").build());

        List<JsonNode> all = lines("from=" + from);
        assertThat(all).hasSize(3);
        JsonNode first = all.get(0);
        assertThat(first.path("offset").asLong()).isEqualTo(from);
        assertThat(first.path("deviceId").asText()).isEqualTo("ev-alpha");
        assertThat(first.path("moduleId").isNull()).isTrue();
        assertThat(first.path("enqueuedTime").asText()).endsWith("Z");
        assertThat(first.path("systemProperties").path("$.mid").asText()).isEqualTo("m-1");
        assertThat(first.path("systemProperties").path("$.ct").asText()).isEqualTo("application/json");
        assertThat(first.path("systemProperties").path("$.cdid").asText()).isEqualTo("ev-alpha");
        assertThat(first.path("applicationProperties").path("kind").asText()).isEqualTo("reading");
        assertThat(first.path("body").asText()).isEqualTo("{\"t\":1}");
        assertThat(first.path("bodyEncoding").asText()).isEqualTo("utf-8");
        JsonNode binary = all.get(2);
        assertThat(binary.path("bodyEncoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(binary.path("body").asText())).containsExactly(0xff, 0, 1);

        assertThat(lines("from=" + (from + 1))).extracting(e -> e.path("offset").asLong())
                .containsExactly(from + 1, from + 2);
        assertThat(lines("from=" + from + "&device=ev-alpha")).extracting(e -> e.path("offset").asLong())
                .containsExactly(from, from + 2);
        assertThat(lines("from=" + from + "&max=2")).hasSize(2);
        assertThat(lines("from=start").get(0).path("offset").asLong()).isZero();
        assertThat(lines("from=end")).isEmpty();
    }

    @Test
    void badParametersAreRefused() {
        assertThat(fixture.send("GET", "/messages/events?from=yesterday", null).statusCode()).isEqualTo(400);
        assertThat(fixture.send("GET", "/messages/events?max=0", null).statusCode()).isEqualTo(400);
        assertThat(fixture.send("GET", "/messages/events?follow=maybe", null).statusCode()).isEqualTo(400);
        assertThat(fixture.send("GET", "/messages/events", null, "Authorization", "SharedAccessSignature sr=x&sig=y&se=1")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void followPushesNewEventsLive() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.baseUri()
                        + "/messages/events?api-version=2021-04-12&from=end&follow=true&device=ev-beta"))
                .header("Authorization", fixture.serviceToken()).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<InputStream> response = fixture.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(100);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        received.add(line);
                    }
                }
            } catch (java.io.IOException closed) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            Thread.sleep(300); // the stream is open and idle
            assertThat(received).isEmpty();
            alpha.sendEvent(Message.of("not for this stream"));
            beta.sendEvent(Message.builder().body("live one").messageId("live-1").build());
            String line = received.poll(10, TimeUnit.SECONDS);
            assertThat(line).isNotNull();
            assertThat(Json.parse(line).path("body").asText()).isEqualTo("live one");
            beta.sendEvent(Message.of("live two"));
            assertThat(Json.parse(received.poll(10, TimeUnit.SECONDS)).path("body").asText()).isEqualTo("live two");
        } finally {
            response.body().close();
        }
    }
}
