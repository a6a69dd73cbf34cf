package dev.brink.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.hub.testing.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;

/** Helpers shared by the REST API integration tests. */
final class Api {
    private Api() {
    }

    /** A hub with an ephemeral HTTPS port and a free MQTT port, so test hubs never collide with each other. */
    static TestHub startHub() {
        // a concrete free port rather than 0: the MQTT endpoint binds several listeners to one port
        return TestHub.start(b -> b.mqttPort(freePort()));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        return Json.parse(r.body());
    }

    /** The six-digit code inside IoT Hub's error envelope. */
    static int errorCode(HttpResponse<String> r) {
        JsonNode envelope = json(r);
        return Json.parse(envelope.path("Message").asText()).path("errorCode").asInt();
    }
}
