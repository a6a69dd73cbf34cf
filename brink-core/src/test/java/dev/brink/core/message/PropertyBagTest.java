package dev.brink.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyBagTest {

    @Test
    void javaSdkTelemetryBagWithLiteralSystemKeys() {
        Message m = PropertyBag.toMessage("$.mid=4f01&$.cid=9a02&$.ct=application%2Fjson&$.ce=utf-8&temp=21.5",
                bytes("{}"));
        assertThat(m.messageId()).isEqualTo("4f01");
        assertThat(m.correlationId()).isEqualTo("9a02");
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(m.contentEncoding()).isEqualTo("utf-8");
        assertThat(m.properties()).containsExactly(entry("temp", "21.5"));
        assertThat(m.bodyAsString()).isEqualTo("{}");
    }

    @Test
    void nodeSdkBagWithPercentEncodedSystemKeys() {
        PropertyBag.Parsed p = PropertyBag.parse("%24.on=output1&%24.mid=m-1&%24.cid=c-1&%24.uid=u&%24.to=%2Fx"
                + "&%24.exp=2030-01-02T03%3A04%3A05.000Z&color%20name=dark%20red/");
        assertThat(p.systemProperties()).containsExactly(entry("$.on", "output1"), entry("$.mid", "m-1"),
                entry("$.cid", "c-1"), entry("$.uid", "u"), entry("$.to", "/x"),
                entry("$.exp", "2030-01-02T03:04:05.000Z"));
        assertThat(p.applicationProperties()).containsExactly(entry("color name", "dark red"));
        Message m = p.toBuilder().build();
        assertThat(m.outputName()).isEqualTo("output1");
        assertThat(m.userId()).isEqualTo("u");
        assertThat(m.to()).isEqualTo("/x");
        assertThat(m.expiryTimeUtc()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
    }

    @Test
    void plusIsNotASpaceAndOnlyTheFirstEqualsSplits() {
        assertThat(PropertyBag.parsePairs("a=x+y&b=1=2&c=%2B%20")).containsExactly(entry("a", "x+y"),
                entry("b", "1=2"), entry("c", "+ "));
    }

    @Test
    void leadingQuestionMarkTrailingSlashEmptyItemsAndValuelessKeys() {
        assertThat(PropertyBag.parsePairs("?food=pizza&&flag&=orphan&?drink=tea/")).containsExactly(
                entry("food", "pizza"), entry("flag", ""), entry("drink", "tea"));
        assertThat(PropertyBag.parsePairs("")).isEmpty();
        assertThat(PropertyBag.parsePairs("/")).isEmpty();
        assertThat(PropertyBag.parsePairs(null)).isEmpty();
    }

    @Test
    void repeatedKeyKeepsFirstPositionAndLastValue() {
        assertThat(PropertyBag.parsePairs("a=1&b=2&a=3")).containsExactly(entry("a", "3"), entry("b", "2"));
    }

    @Test
    void malformedPercentEscapesAreKeptLiterally() {
        assertThat(PropertyBag.parsePairs("k=100%&j=%zz&u=%C3%A9")).containsExactly(entry("k", "100%"),
                entry("j", "%zz"), entry("u", "é"));
    }

    @Test
    void javaCreationTimeFormatAndIsoTimesAreRead() {
        Message m = PropertyBag.toMessage("$.ctime=2024-05-01_10%3A20%3A30.1234567&$.exp=2024-05-01T10%3A20%3A30",
                null);
        assertThat(m.creationTimeUtc()).isEqualTo(Instant.parse("2024-05-01T10:20:30.1234567Z"));
        assertThat(m.expiryTimeUtc()).isEqualTo(Instant.parse("2024-05-01T10:20:30Z"));
    }

    @Test
    void unknownSystemKeysAndBadTimesAreKeptAsApplicationProperties() {
        Message m = PropertyBag.toMessage("$.mid=1&$.future=x&$.ctime=yesterday&%24.sub=comp&$.ifid=i&$.schema=s",
                null);
        assertThat(m.properties()).containsExactly(entry("$.future", "x"), entry("$.ctime", "yesterday"));
        assertThat(m.componentName()).isEqualTo("comp");
        assertThat(m.interfaceId()).isEqualTo("i");
        assertThat(m.messageSchema()).isEqualTo("s");
        assertThat(m.creationTimeUtc()).isNull();
    }

    @Test
    void deliveryEncodingPutsEncodedSystemPropertiesFirst() {
        Message m = Message.builder().property("color", "red").messageId("m1").correlationId("c1")
                .to("/devices/dev1/messages/deviceBound").contentType("application/json").build();
        assertThat(PropertyBag.encodeForDelivery(m)).isEqualTo("%24.mid=m1&%24.to=%2Fdevices%2Fdev1%2Fmessages"
                + "%2FdeviceBound&%24.cid=c1&%24.ct=application%2Fjson&color=red");
    }

    @Test
    void deliveryEncodingEscapesEverythingThatBreaksAClientParserAndDropsEmptyValues() {
        Message m = Message.builder().messageId("a b+c").property("k=&/", "v=&/+ %").property("empty", "")
                .property("$.custom", "1").build();
        String bag = PropertyBag.encodeForDelivery(m);
        assertThat(bag).isEqualTo("%24.mid=a%20b%2Bc&%24.custom=1&k%3D%26%2F=v%3D%26%2F%2B%20%25");
        assertThat(bag).doesNotContain("/", "+", " ");
        // Java's client splits each item with split("=") and decodes with URLDecoder: check that works.
        for (String item : bag.split("&")) {
            assertThat(item.split("=")).hasSize(2);
        }
        assertThat(java.net.URLDecoder.decode("v%3D%26%2F%2B%20%25", StandardCharsets.UTF_8)).isEqualTo("v=&/+ %");
    }

    @Test
    void deliveryRoundTripsThroughTheParser() {
        Message m = Message.builder().body("x").messageId("m").correlationId("c").userId("u").to("/t")
                .contentType("text/plain; charset=utf-8").contentEncoding("utf-8")
                .creationTimeUtc(Instant.parse("2024-01-02T03:04:05.678Z"))
                .expiryTimeUtc(Instant.parse("2024-01-03T00:00:00Z")).connectionDeviceId("d+1")
                .connectionModuleId("m#2").messageSchema("s").componentName("cmp").interfaceId("if")
                .property("ü", "ß").property("a&b", "c=d").build();
        Message back = PropertyBag.toMessage(PropertyBag.encodeForDelivery(m), m.body());
        assertThat(back).isEqualTo(m);
        Message published = PropertyBag.toMessage(PropertyBag.encodeForPublish(m), m.body());
        assertThat(published).isEqualTo(m);
    }

    @Test
    void publishEncodingUsesLiteralDollarKeysLikeTheJavaSdk() {
        Message m = Message.builder().messageId("m1").outputName("out 1").connectionModuleId("filter")
                .property("temp", "21.5").inputName("ignored").enqueuedTime(Instant.EPOCH).build();
        assertThat(PropertyBag.encodeForPublish(m)).isEqualTo("$.mid=m1&$.on=out%201&$.cmid=filter&temp=21.5");
    }

    @Test
    void emptyMessageEncodesToEmptyBag() {
        assertThat(PropertyBag.encodeForDelivery(Message.of(new byte[0]))).isEmpty();
        assertThat(PropertyBag.encodeForPublish(Message.of("x"))).isEmpty();
    }

    @Test
    void uriCodingEncodesStrictlyAndDecodesUtf8() {
        assertThat(UriCoding.encode("AZaz09-_.~ !*'()/?#[]@$&+,;=%")).isEqualTo(
                "AZaz09-_.~%20%21%2A%27%28%29%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25");
        assertThat(UriCoding.decode(UriCoding.encode("日本 €"))).isEqualTo("日本 €");
        assertThat(UriCoding.decode("%")).isEqualTo("%");
        assertThat(UriCoding.decode("a%2")).isEqualTo("a%2");
    }

    @Test
    void messageIsImmutableAndKeepsPropertyOrder() {
        byte[] body = bytes("abc");
        Message m = Message.builder().body(body).property("z", "1").property("a", "2").build();
        body[0] = 'X';
        m.body()[1] = 'Y';
        assertThat(m.bodyAsString()).isEqualTo("abc");
        assertThat(m.properties().keySet()).containsExactly("z", "a");
        assertThat(m.toBuilder().property("z", "3").build().properties()).containsExactly(entry("z", "3"),
                entry("a", "2"));
        assertThat(m).isNotEqualTo(Message.builder().body("abc").properties(Map.of("a", "2")).property("z", "1")
                .build());
        assertThat(m.toString()).contains("3 bytes", "z=1");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
