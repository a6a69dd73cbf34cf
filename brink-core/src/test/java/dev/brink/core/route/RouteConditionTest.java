package dev.brink.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.message.Message;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Route conditions evaluated over real messages through {@link MessageValues}. */
class RouteConditionTest {

    private static final String JSON = "{\"temperature\":31.5,\"site\":{\"name\":\"north\"},\"tags\":[\"a\",\"b\"]}";

    private static Message.Builder moduleMessage() {
        return Message.builder().body(JSON).contentType("application/json").contentEncoding("utf-8")
                .messageId("m-1").correlationId("c-1").connectionDeviceId("edge1").connectionModuleId("sensor")
                .outputName("temps").property("level", "high").property("Alert", "true");
    }

    private static boolean where(String condition, Message message) {
        return Route.parse("r", "FROM /* WHERE " + condition + " INTO $upstream").matches(message);
    }

    @Test
    void systemProperties() {
        Message m = moduleMessage().creationTimeUtc(Instant.parse("2024-05-01T10:00:00Z")).build();
        assertThat(where("$connectionDeviceId = 'edge1'", m)).isTrue();
        assertThat(where("$CONNECTIONMODULEID = 'sensor'", m)).isTrue();
        assertThat(where("$outputName = 'temps' AND $messageId = 'm-1' AND $correlationId = 'c-1'", m)).isTrue();
        assertThat(where("$contentType = 'application/json' AND $contentEncoding = 'utf-8'", m)).isTrue();
        assertThat(where("$creationTimeUtc = '2024-05-01T10:00:00Z'", m)).isTrue();
        assertThat(where("{$connectionDeviceId} = 'edge1'", m)).isTrue();
        assertThat(where("IS_DEFINED($userId)", m)).isFalse();
        assertThat(where("IS_DEFINED($connectionDeviceGenerationId)", m)).isFalse();
    }

    @Test
    void applicationPropertiesAreBareIdentifiers() {
        Message m = moduleMessage().property("$custom", "yes").build();
        assertThat(where("level = 'high'", m)).isTrue();
        assertThat(where("alert = 'true'", m)).isTrue(); // case-insensitive fallback, like IoT Hub
        assertThat(where("level = 'low'", m)).isFalse();
        assertThat(where("IS_DEFINED(nothing)", m)).isFalse();
        // Values are strings: a number comparison is undefined, AS_NUMBER converts.
        Message n = moduleMessage().property("count", "12").build();
        assertThat(where("count > 10", n)).isFalse();
        assertThat(where("AS_NUMBER(count) > 10", n)).isTrue();
        // An unknown $name falls back to the application property; the braced form does not.
        assertThat(where("$custom = 'yes'", m)).isTrue();
        assertThat(where("IS_DEFINED({$custom})", m)).isFalse();
        // A system property is never shadowed by an application property of the same name.
        Message shadow = moduleMessage().property("$messageId", "fake").build();
        assertThat(where("$messageId = 'm-1'", shadow)).isTrue();
    }

    @Test
    void bodyOfJsonMessages() {
        Message m = moduleMessage().build();
        assertThat(where("$body.temperature > 30", m)).isTrue();
        assertThat(where("$body.site.name = 'north'", m)).isTrue();
        assertThat(where("$body.tags[1] = 'b'", m)).isTrue();
        assertThat(where("$BODY.temperature > 30", m)).isTrue();
        assertThat(where("$body.missing > 30", m)).isFalse();
        assertThat(where("IS_OBJECT($body)", m)).isTrue();
        Message charsetParam = moduleMessage().contentType("Application/JSON; charset=utf-8").contentEncoding("UTF-8")
                .build();
        assertThat(where("$body.temperature > 30", charsetParam)).isTrue();
    }

    @Test
    void bodyInUtf16AndUtf32() {
        for (String encoding : new String[] {"utf-16", "utf-32"}) {
            byte[] body = JSON.getBytes(Charset.forName(encoding));
            Message m = moduleMessage().body(body).contentEncoding(encoding).build();
            assertThat(where("$body.site.name = 'north'", m)).as(encoding).isTrue();
        }
    }

    @Test
    void bodyIsUndefinedUnlessJsonContentTypeAndEncoding() {
        assertThat(where("IS_DEFINED($body)", moduleMessage().contentType("text/plain").build())).isFalse();
        assertThat(where("IS_DEFINED($body)", moduleMessage().contentType(null).build())).isFalse();
        assertThat(where("IS_DEFINED($body)", moduleMessage().contentEncoding(null).build())).isFalse();
        assertThat(where("IS_DEFINED($body)", moduleMessage().contentEncoding("gzip").build())).isFalse();
        assertThat(where("$body.temperature > 30", moduleMessage().contentEncoding("ascii").build())).isFalse();
        assertThat(where("IS_DEFINED($body)", moduleMessage().body("{not json").build())).isFalse();
        assertThat(where("IS_DEFINED($body)", moduleMessage().body(new byte[0]).build())).isFalse();
        // NOT of an undefined comparison is undefined, so still no match.
        assertThat(where("NOT ($body.temperature > 30)", moduleMessage().contentType("text/plain").build())).isFalse();
    }

    @Test
    void leafOnlyFilter() {
        Message fromModule = moduleMessage().build();
        Message fromLeaf = Message.builder().body("x").connectionDeviceId("leaf1").build();
        assertThat(where("NOT IS_DEFINED($connectionModuleId)", fromLeaf)).isTrue();
        assertThat(where("NOT IS_DEFINED($connectionModuleId)", fromModule)).isFalse();
    }

    @Test
    void concatAndCoalesce() {
        Message m = moduleMessage().build();
        assertThat(where("$connectionDeviceId || '/' || $connectionModuleId = 'edge1/sensor'", m)).isTrue();
        assertThat(where("level || $body.site.name = 'highnorth'", m)).isTrue();
        assertThat(where("($body.humidity ?? 0) < 1", m)).isTrue();
        assertThat(where("$body.humidity ?? $body.temperature > 30", m)).isTrue();
        assertThat(where("(missing ?? level) = 'high'", m)).isTrue();
        assertThat(where("$userId ?? 'anonymous' = 'anonymous'", m)).isTrue();
    }

    @Test
    void bodyIsDecodedOnceAndOnlyWhenRead() {
        MessageValues values = new MessageValues(moduleMessage().build());
        assertThat(values.body()).isSameAs(values.body());
        Route plain = Route.parse("r", "FROM /* WHERE level = 'high' INTO $upstream");
        assertThat(plain.matches(MessageSource.TELEMETRY, values)).isTrue();
        assertThat(new String(JSON.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(JSON);
    }

    @Test
    void sourcesSelectMessagesByOrigin() {
        MessageSource leaf = MessageSource.TELEMETRY;
        MessageSource output = MessageSource.module("Sensor", "temps");
        MessageSource noOutput = MessageSource.module("sensor", null);
        MessageSource other = MessageSource.module("sensor2", "temps");
        MessageSource twin = MessageSource.TWIN_CHANGE_NOTIFICATION;
        assertMatches("/*", leaf, output, noOutput, other, twin);
        assertMatches("/messages", leaf, output, noOutput, other);
        assertMatches("/messages/*", leaf, output, noOutput, other);
        assertMatches("/messages/modules/*", output, noOutput, other);
        assertMatches("/messages/modules/sensor", output, noOutput);
        assertMatches("/messages/modules/sensor/*", output, noOutput);
        assertMatches("/messages/modules/sensor/outputs/*", output);
        assertMatches("/messages/modules/sensor/outputs/TEMPS", output);
        assertMatches("/messages/modules/sensor/outputs/other");
        assertMatches("/twinChangeNotifications", twin);
        assertThat(MessageSource.of(moduleMessage().build())).isEqualTo(MessageSource.module("sensor", "temps"));
        assertThat(MessageSource.of(Message.of("x"))).isEqualTo(MessageSource.TELEMETRY);
        assertThat(output.path()).isEqualTo("/messages/modules/Sensor/outputs/temps");
    }

    private static void assertMatches(String source, MessageSource... expected) {
        RouteSource compiled = Route.parse("r", "FROM " + source + " INTO $upstream").source();
        MessageSource[] all = {MessageSource.TELEMETRY, MessageSource.module("Sensor", "temps"),
                MessageSource.module("sensor", null), MessageSource.module("sensor2", "temps"),
                MessageSource.TWIN_CHANGE_NOTIFICATION};
        for (MessageSource s : all) {
            assertThat(compiled.matches(s)).as(source + " vs " + s.path())
                    .isEqualTo(java.util.Arrays.asList(expected).contains(s));
        }
    }
}
