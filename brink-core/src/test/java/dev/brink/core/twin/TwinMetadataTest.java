package dev.brink.core.twin;

import static dev.brink.core.twin.TwinTestSupport.T0;
import static dev.brink.core.twin.TwinTestSupport.T0S;
import static dev.brink.core.twin.TwinTestSupport.T1;
import static dev.brink.core.twin.TwinTestSupport.T1S;
import static dev.brink.core.twin.TwinTestSupport.T2;
import static dev.brink.core.twin.TwinTestSupport.T2S;
import static dev.brink.core.twin.TwinTestSupport.j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TwinMetadataTest {

    private static JsonNode desiredMeta(TwinDocument twin) {
        return twin.propertiesJson().get("desired").get("$metadata");
    }

    private static JsonNode reportedMeta(TwinDocument twin) {
        return twin.propertiesJson().get("reported").get("$metadata");
    }

    @Test
    void everyObjectLevelAndLeafIsStamped() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1,'o':{'n':{'x':[1,{'y':2}]}}}"), T1).twin();
        assertThat(desiredMeta(twin)).isEqualTo(j("""
                {'$lastUpdated':'%1$s','$lastUpdatedVersion':2,
                 'a':{'$lastUpdated':'%1$s','$lastUpdatedVersion':2},
                 'o':{'$lastUpdated':'%1$s','$lastUpdatedVersion':2,
                      'n':{'$lastUpdated':'%1$s','$lastUpdatedVersion':2,
                           'x':{'$lastUpdated':'%1$s','$lastUpdatedVersion':2}}}}
                """.formatted(T1S)));
    }

    @Test
    void reportedMetadataHasNoVersion() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'r':{'s':1}}"), T1).twin();
        assertThat(reportedMeta(twin)).isEqualTo(j(
                "{'$lastUpdated':'%1$s','r':{'$lastUpdated':'%1$s','s':{'$lastUpdated':'%1$s'}}}".formatted(T1S)));
    }

    @Test
    void onlyTouchedNodesAndTheirAncestorsGetTheNewStamp() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1,'o':{'p':1,'q':{'r':1}}}"), T0).twin();
        twin = twin.patchDesired(j("{'o':{'q':{'r':2}}}"), T1).twin();
        JsonNode m = desiredMeta(twin);
        assertThat(m.at("/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/$lastUpdatedVersion").asLong()).isEqualTo(3);
        assertThat(m.at("/o/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/o/q/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/o/q/r/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/o/q/r/$lastUpdatedVersion").asLong()).isEqualTo(3);
        // untouched siblings keep their stamp and version
        assertThat(m.at("/a/$lastUpdated").asText()).isEqualTo(T0S);
        assertThat(m.at("/a/$lastUpdatedVersion").asLong()).isEqualTo(2);
        assertThat(m.at("/o/p/$lastUpdated").asText()).isEqualTo(T0S);
        assertThat(m.at("/o/p/$lastUpdatedVersion").asLong()).isEqualTo(2);
    }

    @Test
    void removalDropsMetadataAndStampsTheParent() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'o':{'x':1,'y':2},'k':3}"), T0).twin();
        twin = twin.patchReported(j("{'o':{'x':null}}"), T1).twin();
        JsonNode m = reportedMeta(twin);
        assertThat(m.at("/o/x").isMissingNode()).isTrue();
        assertThat(m.at("/o/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(m.at("/o/y/$lastUpdated").asText()).isEqualTo(T0S);
        assertThat(m.at("/k/$lastUpdated").asText()).isEqualTo(T0S);

        twin = twin.patchReported(j("{'o':null}"), T2).twin();
        assertThat(reportedMeta(twin)).isEqualTo(j(
                "{'$lastUpdated':'%s','k':{'$lastUpdated':'%s'}}".formatted(T2S, T0S)));
    }

    @Test
    void replacingAScalarWithAnObjectBuildsFreshMetadata() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1}"), T0).twin();
        twin = twin.patchDesired(j("{'a':{'b':{'c':1}}}"), T1).twin();
        assertThat(desiredMeta(twin).at("/a/b/c/$lastUpdated").asText()).isEqualTo(T1S);
        assertThat(desiredMeta(twin).at("/a/b/$lastUpdatedVersion").asLong()).isEqualTo(3);
    }

    @Test
    void replaceDesiredRebuildsMetadataForTheNewTree() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'old':1,'o':{'x':1}}"), T0).twin();
        twin = twin.replaceDesired(j("{'o':{'y':2}}"), T1).twin();
        assertThat(desiredMeta(twin)).isEqualTo(j("""
                {'$lastUpdated':'%1$s','$lastUpdatedVersion':3,
                 'o':{'$lastUpdated':'%1$s','$lastUpdatedVersion':3,
                      'y':{'$lastUpdated':'%1$s','$lastUpdatedVersion':3}}}
                """.formatted(T1S)));
    }

    @Test
    void timestampsAreUtcWithMillis() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'a':1}"), Instant.parse("2024-06-30T23:59:59.5Z"))
                .twin();
        assertThat(reportedMeta(twin).at("/a/$lastUpdated").asText()).isEqualTo("2024-06-30T23:59:59.500Z");
        twin = twin.patchReported(j("{'a':2}"), Instant.parse("2024-06-30T23:59:59.123456789Z")).twin();
        assertThat(reportedMeta(twin).at("/a/$lastUpdated").asText()).isEqualTo("2024-06-30T23:59:59.123Z");
    }

    @Test
    void newTwinMetadataRoot() {
        assertThat(desiredMeta(TwinDocument.empty(T0))).isEqualTo(
                j("{'$lastUpdated':'%s','$lastUpdatedVersion':1}".formatted(T0S)));
        assertThat(reportedMeta(TwinDocument.empty(T0))).isEqualTo(j("{'$lastUpdated':'%s'}".formatted(T0S)));
        assertThat(reportedMeta(TwinDocument.empty())).isEqualTo(j("{'$lastUpdated':'0001-01-01T00:00:00.000Z'}"));
    }
}
