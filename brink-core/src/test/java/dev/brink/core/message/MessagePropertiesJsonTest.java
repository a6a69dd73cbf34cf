package dev.brink.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessagePropertiesJsonTest {

    @Test
    void everyPropertyComesBackExactlyAsSent() {
        Message sent = Message.builder().body("x").messageId("m-1").correlationId("c \"1\"")
                .contentType("application/json").contentEncoding("utf-8").outputName("out1")
                .connectionDeviceId("edge").connectionModuleId("sensor")
                .creationTimeUtc(Instant.parse("2024-05-01T10:00:00.123Z"))
                .property("alert", "yes").property("$.weird", "kept").property("a b", "c&d")
                .property("ünï", "\u00e9\u4e2d\n\t\\").property("empty", "").build();

        String json = MessagePropertiesJson.write(sent);
        Message back = MessagePropertiesJson.read(json).body("x").build();

        assertThat(json).startsWith("{\"system\":{\"$.mid\":\"m-1\"");
        assertThat(back).isEqualTo(sent);
        assertThat(back.properties()).containsExactlyEntriesOf(sent.properties());
    }

    @Test
    void unknownSectionsAreSkippedAndBrokenTextIsRefused() {
        Message m = MessagePropertiesJson.read("{\"later\":{\"x\":[1,{\"y\":2}]},\"app\":{\"k\":\"v\"},\"system\":{}}")
                .body("b").build();
        assertThat(m.properties()).containsExactly(java.util.Map.entry("k", "v"));
        assertThatThrownBy(() -> MessagePropertiesJson.read("{\"app\":")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessagePropertiesJson.read("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
