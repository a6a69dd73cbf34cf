package dev.brink.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.core.route.MessageSource;
import dev.brink.mqtt.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundMessagesTest {
    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final IdentityKey FILTER = IdentityKey.module("edge1", "filter");

    @Test
    void wireNamesBecomeFieldsAndTheConnectionStampsTheSender() {
        Map<String, String> system = new LinkedHashMap<>();
        system.put("$.mid", "m-1");
        system.put("$.cid", "c-1");
        system.put("$.ct", "application/json");
        system.put("$.ce", "utf-8");
        system.put("$.on", "alerts");
        system.put("$.ctime", "2025-01-02T03:04:05Z");
        system.put("$.cdid", "someone-else"); // a lie in the bag never wins over the connection
        system.put("$.cmid", "other-module");
        system.put("$.custom", "kept");
        Map<String, String> app = new LinkedHashMap<>();
        app.put("b", "2");
        app.put("a", "1");
        InboundMessage in = new InboundMessage(system, app, "{\"t\":21}".getBytes(StandardCharsets.UTF_8), true,
                RECEIVED);

        Message m = InboundMessages.toMessage(FILTER, in, CLOCK);

        assertThat(m.messageId()).isEqualTo("m-1");
        assertThat(m.correlationId()).isEqualTo("c-1");
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(m.contentEncoding()).isEqualTo("utf-8");
        assertThat(m.outputName()).isEqualTo("alerts");
        assertThat(m.creationTimeUtc()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(m.connectionDeviceId()).isEqualTo("edge1");
        assertThat(m.connectionModuleId()).isEqualTo("filter");
        assertThat(m.enqueuedTime()).isEqualTo(RECEIVED);
        assertThat(m.bodyAsString()).isEqualTo("{\"t\":21}");
        assertThat(m.properties()).containsExactly(Map.entry("$.custom", "kept"), Map.entry("b", "2"),
                Map.entry("a", "1"));
        assertThat(InboundMessages.source("edge1", FILTER, m)).isEqualTo(MessageSource.module("filter", "alerts"));
        assertThat(InboundMessages.sender(m, "edge1")).isEqualTo(FILTER);
    }

    @Test
    void aDeviceIsTelemetryEvenIfItClaimsAModuleAndChildModulesAreNotEdgeModules() {
        InboundMessage in = new InboundMessage(Map.of("$.cmid", "filter", "$.on", "alerts"), Map.of(), new byte[0],
                false, null);
        IdentityKey child = IdentityKey.device("child1");

        Message m = InboundMessages.toMessage(child, in, CLOCK);

        assertThat(m.connectionDeviceId()).isEqualTo("child1");
        assertThat(m.connectionModuleId()).isNull();
        assertThat(m.enqueuedTime()).isEqualTo(CLOCK.instant());
        assertThat(InboundMessages.source("edge1", child, m)).isEqualTo(MessageSource.TELEMETRY);
        IdentityKey childModule = IdentityKey.module("child1", "filter");
        Message fromChildModule = InboundMessages.toMessage(childModule, in, CLOCK);
        assertThat(InboundMessages.source("edge1", childModule, fromChildModule)).isEqualTo(MessageSource.TELEMETRY);
        assertThat(InboundMessages.sender(fromChildModule, "edge1")).isEqualTo(childModule);
    }
}
