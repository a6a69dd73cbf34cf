package dev.brink.core.twin;

import static dev.brink.core.twin.TwinTestSupport.T0;
import static dev.brink.core.twin.TwinTestSupport.T1;
import static dev.brink.core.twin.TwinTestSupport.T1S;
import static dev.brink.core.twin.TwinTestSupport.T2;
import static dev.brink.core.twin.TwinTestSupport.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import org.junit.jupiter.api.Test;

class TwinStorageTest {

    private static TwinDocument sample() {
        return TwinDocument.empty(T0)
                .applyServicePatch(j("{'tags':{'env':'prod','n':{'x':[1,'a',true]}},"
                        + "'properties':{'desired':{'a':1.5,'o':{'big':4503599627370495,'s':'é€😀\\\\n\\\"'}}}}"), T1)
                .twin()
                .patchReported(j("{'r':{'neg':-4503599627370496,'arr':[[1],[{'q':0.1}]],'e':{}},'b':false}"), T1)
                .twin()
                .patchReported(j("{'b':null}"), T2)
                .twin();
    }

    @Test
    void storageRoundTripIsExact() {
        TwinDocument twin = sample();
        String stored = twin.toStorageJson();
        TwinDocument back = TwinDocument.fromStorageJson(stored);
        assertThat(back).isEqualTo(twin);
        assertThat(back.hashCode()).isEqualTo(twin.hashCode());
        assertThat(back.toStorageJson()).isEqualTo(stored);
        assertThat(back.propertiesJson()).isEqualTo(twin.propertiesJson());
        assertThat(back.toDeviceJson()).isEqualTo(twin.toDeviceJson());
        assertThat(back.tags()).isEqualTo(twin.tags());
        assertThat(back.version()).isEqualTo(4);
        assertThat(back.etag()).isEqualTo(twin.etag());
        assertThat(back.desiredVersion()).isEqualTo(2);
        assertThat(back.reportedVersion()).isEqualTo(3);
    }

    @Test
    void restoredDocumentKeepsWorking() {
        TwinDocument back = TwinDocument.fromStorageJson(sample().toStorageJson());
        TwinUpdate update = back.patchDesired(j("{'o':{'s':'t'}}"), T2);
        assertThat(update.twin().desiredVersion()).isEqualTo(3);
        assertThat(update.twin().propertiesJson().at("/desired/$metadata/o/big/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(back.patchDesired(j("{'a':1.5}"), T2).changed()).isFalse();
    }

    @Test
    void storageIsCompactSingleJsonText() {
        String stored = sample().toStorageJson();
        assertThat(stored).doesNotContain("\n").doesNotContain(": ");
        JsonNode node = Json.parse(stored);
        assertThat(node.fieldNames()).toIterable().containsExactly("version", "tags", "desired", "reported");
    }

    @Test
    void emptyTwinRoundTrips() {
        TwinDocument twin = TwinDocument.empty();
        assertThat(TwinDocument.fromStorageJson(twin.toStorageJson())).isEqualTo(twin);
    }

    @Test
    void corruptStorageIsAServerError() {
        for (String bad : new String[] {"", "nope", "[]", "{'version':1}", "{'version':1,'tags':{},'desired':{}}"}) {
            BrinkException e = catchThrowableOfType(BrinkException.class,
                    () -> TwinDocument.fromStorageJson(bad.replace('\'', '"')));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.ServerError);
        }
    }

    @Test
    void propertiesJsonShape() {
        JsonNode props = sample().propertiesJson();
        assertThat(props.fieldNames()).toIterable().containsExactly("desired", "reported");
        assertThat(props.get("desired").fieldNames()).toIterable().containsExactly("a", "o", "$metadata", "$version");
        assertThat(props.get("reported").fieldNames()).toIterable().containsExactly("r", "$metadata", "$version");
        assertThat(props.at("/desired/$version").asLong()).isEqualTo(2);
        assertThat(props.at("/reported/$version").asLong()).isEqualTo(3);
        assertThat(props.at("/desired/$metadata/$lastUpdatedVersion").asLong()).isEqualTo(2);
        assertThat(props.at("/reported/$metadata/r/arr/$lastUpdated").asText()).isEqualTo(T1S);
    }

    @Test
    void deviceJsonShape() {
        assertThat(sample().toDeviceJson()).isEqualTo(j("""
                {'desired':{'a':1.5,'o':{'big':4503599627370495,'s':'é€😀\\\\n\\\"'},'$version':2},
                 'reported':{'r':{'neg':-4503599627370496,'arr':[[1],[{'q':0.1}]],'e':{}},'$version':3}}"""));
    }
}
