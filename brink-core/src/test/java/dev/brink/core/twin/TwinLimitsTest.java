package dev.brink.core.twin;

import static dev.brink.core.twin.TwinTestSupport.T0;
import static dev.brink.core.twin.TwinTestSupport.T1;
import static dev.brink.core.twin.TwinTestSupport.assertInvalid;
import static dev.brink.core.twin.TwinTestSupport.chain;
import static dev.brink.core.twin.TwinTestSupport.j;
import static dev.brink.core.twin.TwinTestSupport.objectOfSize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwinLimitsTest {
    private final TwinDocument empty = TwinDocument.empty();

    private static ObjectNode single(String key, JsonNode value) {
        ObjectNode node = Json.object();
        node.set(key, value);
        return node;
    }

    @Test
    void tagsSizeLimit() {
        assertThat(empty.patchTags(objectOfSize(8192), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchTags(objectOfSize(8193), T0), "tags", "size 8193 bytes", "8192");
        assertInvalid(() -> empty.applyServiceReplace(single("tags", objectOfSize(8193)), T0), "tags", "size");
    }

    @Test
    void desiredSizeLimit() {
        assertThat(empty.patchDesired(objectOfSize(32768), T0).changed()).isTrue();
        assertThat(empty.replaceDesired(objectOfSize(32768), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchDesired(objectOfSize(32769), T0), "properties.desired", "size 32769", "32768");
        assertInvalid(() -> empty.replaceDesired(objectOfSize(32769), T0), "properties.desired", "size");
    }

    @Test
    void reportedSizeLimit() {
        assertThat(empty.patchReported(objectOfSize(32768), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchReported(objectOfSize(32769), T0), "properties.reported", "size 32769");
    }

    @Test
    void sizeIsMeasuredOnTheResultNotThePatch() {
        TwinDocument full = empty.patchReported(objectOfSize(32760), T0).twin();
        assertInvalid(() -> full.patchReported(j("{'zz':12345}"), T1), "properties.reported", "size 32771");
        // shrinking a full twin is always possible
        assertThat(full.patchReported(j("{'k0':null}"), T1).changed()).isTrue();
    }

    @Test
    void sizeExcludesVersionAndMetadata() {
        TwinDocument full = empty.patchDesired(objectOfSize(32768), T0).twin();
        assertThat(full.desiredVersion()).isEqualTo(2);
        assertThat(full.propertiesJson().get("desired").has("$metadata")).isTrue();
    }

    @Test
    void depthLimit() {
        assertThat(empty.patchDesired(chain(10, j("1")), T0).changed()).isTrue();
        assertThat(empty.patchDesired(chain(10, j("{}")), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchDesired(chain(11, j("1")), T0),
                "properties.desired.l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.l11", "depth", "10");
        assertInvalid(() -> empty.patchReported(chain(10, j("{'x':1}")), T0), "depth");
        assertInvalid(() -> empty.patchTags(chain(9, j("[[1]]")), T0), "tags.l1", "l9[0][0]", "depth");
        assertThat(empty.patchTags(chain(9, j("[1]")), T0).changed()).isTrue();
    }

    @Test
    void depthCountsFromTheSectionThroughExistingObjects() {
        TwinDocument deep = empty.patchReported(chain(9, j("{}")), T0).twin();
        assertInvalid(() -> deep.patchReported(chain(9, j("{'x':{'y':1}}")), T1), "depth");
        assertThat(deep.patchReported(chain(9, j("{'x':1}")), T1).changed()).isTrue();
    }

    @Test
    void keyLengthLimit() {
        assertThat(empty.patchReported(single("k".repeat(1024), j("1")), T0).changed()).isTrue();
        assertThat(empty.patchReported(single("é".repeat(512), j("1")), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchReported(single("k".repeat(1025), j("1")), T0), "1024 bytes");
        assertInvalid(() -> empty.patchReported(single("é".repeat(512) + "a", j("1")), T0), "1024 bytes");
        assertInvalid(() -> empty.patchDesired(single("o", single("k".repeat(1025), j("1"))), T0),
                "properties.desired.o.kkk", "key is longer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a$b", "a b", "a\tb", "a\nb", "a#b", "a\u0001b", "a\u007fb", "a\u0085b",
            "a\u0090b", "a\u00a0b", "a\u2003b"})
    void forbiddenCharactersInKeys(String key) {
        assertInvalid(() -> empty.patchReported(single(key, j("1")), T0), "key must not contain");
        assertInvalid(() -> empty.patchDesired(single("o", single(key, j("1"))), T0), "properties.desired.o.");
        assertInvalid(() -> empty.patchTags(single("o", single("p", single(key, j("1")))), T0), "tags.o.p.");
    }

    @Test
    void emptyKeyIsRefused() {
        assertInvalid(() -> empty.patchReported(single("", j("1")), T0), "key must not be empty");
    }

    @Test
    void dollarKeysAreIgnoredOnlyAtTheTopOfASection() {
        assertThat(empty.patchReported(j("{'$version':3,'$metadata':{'a':1}}"), T0).changed()).isFalse();
        assertInvalid(() -> empty.patchReported(j("{'o':{'$version':3}}"), T0), "properties.reported.o.$version", "'$'");
    }

    @Test
    void stringValueLimit() {
        assertThat(empty.patchReported(single("s", Json.MAPPER.getNodeFactory().textNode("x".repeat(4096))), T0)
                .changed()).isTrue();
        String euros = "€".repeat(1365) + "x"; // 4095 + 1 bytes
        assertThat(empty.patchReported(single("s", Json.MAPPER.getNodeFactory().textNode(euros)), T0).changed())
                .isTrue();
        assertInvalid(() -> empty.patchReported(single("s",
                Json.MAPPER.getNodeFactory().textNode("x".repeat(4097))), T0), "properties.reported.s", "4096 bytes");
        assertInvalid(() -> empty.patchReported(single("s",
                Json.MAPPER.getNodeFactory().textNode(euros + "x")), T0), "4096 bytes");
        assertInvalid(() -> empty.patchDesired(j("{'a':['ok','" + "x".repeat(4097) + "']}"), T0),
                "properties.desired.a[1]", "4096");
    }

    @Test
    void integerRange() {
        assertThat(empty.patchReported(j("{'max':4503599627370495,'min':-4503599627370496}"), T0).changed()).isTrue();
        assertInvalid(() -> empty.patchReported(j("{'n':4503599627370496}"), T0), "properties.reported.n", "integer");
        assertInvalid(() -> empty.patchReported(j("{'n':-4503599627370497}"), T0), "integer");
        assertInvalid(() -> empty.patchReported(j("{'n':[1,99999999999999999999999]}"), T0), "n[1]", "integer");
        ObjectNode big = Json.object();
        big.put("b", new BigInteger("4503599627370496"));
        assertInvalid(() -> empty.patchDesired(big, T0), "properties.desired.b", "integer");
    }

    @Test
    void floatsAreFine() {
        TwinDocument twin = empty.patchReported(j("{'f':1.5e300,'g':-0.25,'h':4503599627370496.5}"), T0).twin();
        assertThat(twin.reported().get("f").doubleValue()).isEqualTo(1.5e300);
    }

    @Test
    void nullsInsideArraysAreRefused() {
        assertInvalid(() -> empty.patchReported(j("{'a':[1,null]}"), T0), "properties.reported.a[1]", "null");
        assertInvalid(() -> empty.patchDesired(j("{'a':[[1],[null]]}"), T0), "a[1][0]", "null");
        assertInvalid(() -> empty.patchTags(j("{'a':[{'b':[null]}]}"), T0), "tags.a[0].b[0]", "null");
        // a null member of an object inside an array would be stored as a null: refused too
        assertInvalid(() -> empty.patchReported(j("{'a':[{'b':null}]}"), T0), "a[0].b", "null");
    }

    @Test
    void patchBodiesMustBeObjects() {
        assertInvalid(() -> empty.patchReported(j("[1]"), T0), "properties.reported", "JSON object");
        assertInvalid(() -> empty.patchDesired(j("'x'"), T0), "properties.desired", "JSON object");
        assertInvalid(() -> empty.replaceDesired(j("null"), T0), "properties.desired", "JSON object");
        assertInvalid(() -> empty.patchTags(null, T0), "tags", "JSON object");
    }

    @Test
    void failedOperationsLeaveTheDocumentUnchanged() {
        TwinDocument twin = empty.patchReported(j("{'a':1}"), T0).twin();
        String before = twin.toStorageJson();
        assertInvalid(() -> twin.patchReported(j("{'a':2,'b':{'c.d':1}}"), T1), "b.c.d");
        assertThat(twin.toStorageJson()).isEqualTo(before);
    }
}
