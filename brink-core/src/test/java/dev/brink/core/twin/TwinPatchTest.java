package dev.brink.core.twin;

import static dev.brink.core.twin.TwinTestSupport.T0;
import static dev.brink.core.twin.TwinTestSupport.T1;
import static dev.brink.core.twin.TwinTestSupport.T2;
import static dev.brink.core.twin.TwinTestSupport.j;
import static dev.brink.core.twin.TwinTestSupport.o;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TwinPatchTest {

    @Test
    void newTwinHasVersionOneEverywhere() {
        TwinDocument twin = TwinDocument.empty();
        assertThat(twin.version()).isEqualTo(1);
        assertThat(twin.desiredVersion()).isEqualTo(1);
        assertThat(twin.reportedVersion()).isEqualTo(1);
        assertThat(twin.etag()).isEqualTo("AAAAAAAAAAE=");
        assertThat(twin.tags()).isEqualTo(j("{}"));
        assertThat(twin.toDeviceJson()).isEqualTo(j("{'desired':{'$version':1},'reported':{'$version':1}}"));
    }

    @Test
    void patchAddsAndReplacesMembers() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'a':1,'b':'x'}"), T0).twin();
        TwinUpdate update = twin.patchReported(j("{'b':'y','c':true}"), T1);
        assertThat(update.changed()).isTrue();
        assertThat(update.twin().reported()).isEqualTo(j("{'a':1,'b':'y','c':true}"));
        assertThat(update.desiredPatch()).isNull();
    }

    @Test
    void nestedObjectsMergeRecursively() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'o':{'a':1,'n':{'x':1,'y':2}}}"), T0).twin();
        TwinDocument next = twin.patchDesired(j("{'o':{'b':2,'n':{'y':3}}}"), T1).twin();
        assertThat(next.desired()).isEqualTo(j("{'o':{'a':1,'n':{'x':1,'y':3},'b':2}}"));
    }

    @Test
    void nullRemovesMembersAtAnyLevel() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'a':1,'o':{'x':1,'y':2}}"), T0).twin();
        TwinDocument next = twin.patchReported(j("{'a':null,'o':{'x':null}}"), T1).twin();
        assertThat(next.reported()).isEqualTo(j("{'o':{'y':2}}"));
    }

    @Test
    void arraysAreReplacedAsAWhole() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'arr':[1,2,3],'o':{'a':[{'x':1}]}}"), T0).twin();
        TwinDocument next = twin.patchDesired(j("{'arr':[4],'o':{'a':[]}}"), T1).twin();
        assertThat(next.desired()).isEqualTo(j("{'arr':[4],'o':{'a':[]}}"));
    }

    @Test
    void objectOntoScalarReplacesItAndDropsNulls() {
        TwinDocument twin = TwinDocument.empty().patchReported(j("{'a':5}"), T0).twin();
        TwinDocument next = twin.patchReported(j("{'a':{'x':1,'gone':null,'n':{'z':null}},'new':{'q':null}}"), T1).twin();
        assertThat(next.reported()).isEqualTo(j("{'a':{'x':1,'n':{}},'new':{}}"));
    }

    @Test
    void noOpPatchReturnsSameInstanceWithoutVersionBump() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1,'o':{'b':[1]}}"), T0).twin();
        for (String patch : new String[] {"{}", "{'a':1}", "{'o':{'b':[1]}}", "{'missing':null}", "{'o':{}}",
                "{'$version':7}", "{'o':{'gone':null}}"}) {
            TwinUpdate update = twin.patchDesired(j(patch), T1);
            assertThat(update.changed()).as(patch).isFalse();
            assertThat(update.twin()).as(patch).isSameAs(twin);
            assertThat(update.desiredPatch()).as(patch).isNull();
        }
        assertThat(twin.patchReported(j("{}"), T1).twin()).isSameAs(twin);
        assertThat(twin.replaceDesired(j("{'a':1,'o':{'b':[1]}}"), T1).changed()).isFalse();
    }

    @Test
    void versionsMovePerSectionAndTwinVersionOnAnyChange() {
        TwinDocument twin = TwinDocument.empty();
        twin = twin.patchDesired(j("{'a':1}"), T0).twin();
        assertThat(twin.desiredVersion()).isEqualTo(2);
        assertThat(twin.reportedVersion()).isEqualTo(1);
        assertThat(twin.version()).isEqualTo(2);

        twin = twin.patchReported(j("{'r':1}"), T0).twin();
        twin = twin.patchReported(j("{'r':2}"), T0).twin();
        assertThat(twin.desiredVersion()).isEqualTo(2);
        assertThat(twin.reportedVersion()).isEqualTo(3);
        assertThat(twin.version()).isEqualTo(4);

        twin = twin.applyServicePatch(j("{'tags':{'t':1}}"), T0).twin();
        assertThat(twin.desiredVersion()).isEqualTo(2);
        assertThat(twin.reportedVersion()).isEqualTo(3);
        assertThat(twin.version()).isEqualTo(5);

        // tags and desired in one operation: one twin version step
        twin = twin.applyServicePatch(j("{'tags':{'t':2},'properties':{'desired':{'a':2}}}"), T0).twin();
        assertThat(twin.desiredVersion()).isEqualTo(3);
        assertThat(twin.version()).isEqualTo(6);
        assertThat(twin.etag()).isEqualTo("AAAAAAAAAAY=");
    }

    @Test
    void etagIsBase64OfBigEndianVersion() {
        TwinDocument twin = TwinDocument.empty();
        for (int i = 0; i < 299; i++) {
            twin = twin.patchReported(j("{'n':" + i + "}"), T0).twin();
        }
        assertThat(twin.version()).isEqualTo(300);
        assertThat(twin.etag()).isEqualTo("AAAAAAAAASw=");
    }

    @Test
    void desiredPatchIsThePatchAsAppliedWithNewVersion() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1,'b':2}"), T0).twin();
        TwinUpdate update = twin.patchDesired(j("{'$version':99,'$metadata':{},'a':null,'c':{'d':3}}"), T1);
        assertThat(update.desiredPatch()).isEqualTo(j("{'a':null,'c':{'d':3},'$version':3}"));
        assertThat(update.twin().desired()).isEqualTo(j("{'b':2,'c':{'d':3}}"));
    }

    @Test
    void desiredPatchIsAPrivateCopy() {
        TwinUpdate update = TwinDocument.empty().patchDesired(j("{'c':{'d':3}}"), T0);
        ((ObjectNode) update.desiredPatch().get("c")).put("d", 99);
        assertThat(update.twin().desired()).isEqualTo(j("{'c':{'d':3}}"));
    }

    @Test
    void callerMutationsDoNotLeakIntoTheDocument() {
        ObjectNode patch = o("{'c':{'d':3}}");
        TwinDocument twin = TwinDocument.empty().patchReported(patch, T0).twin();
        ((ObjectNode) patch.get("c")).put("d", 4);
        twin.reported().put("x", 1);
        twin.tags().put("x", 1);
        ((ObjectNode) twin.propertiesJson().get("reported")).put("x", 1);
        assertThat(twin.reported()).isEqualTo(j("{'c':{'d':3}}"));
        assertThat(twin.tags()).isEqualTo(j("{}"));
    }

    @Test
    void oldDocumentIsUntouchedByLaterPatches() {
        TwinDocument v1 = TwinDocument.empty().patchDesired(j("{'o':{'a':1,'n':{'x':1}},'k':2}"), T0).twin();
        String before = v1.toStorageJson();
        v1.patchDesired(j("{'o':{'a':2,'n':{'x':null}},'k':null}"), T1);
        v1.replaceDesired(j("{'z':1}"), T2);
        assertThat(v1.toStorageJson()).isEqualTo(before);
    }

    @Test
    void replaceDesiredReplacesWholesale() {
        TwinDocument twin = TwinDocument.empty().patchDesired(j("{'a':1,'o':{'x':1}}"), T0).twin();
        TwinUpdate update = twin.replaceDesired(j("{'$version':5,'o':{'y':2},'b':[1]}"), T1);
        assertThat(update.changed()).isTrue();
        assertThat(update.twin().desired()).isEqualTo(j("{'o':{'y':2},'b':[1]}"));
        assertThat(update.twin().desiredVersion()).isEqualTo(3);
        assertThat(update.twin().version()).isEqualTo(3);
        assertThat(update.desiredPatch()).isEqualTo(j("{'o':{'y':2},'b':[1],'$version':3}"));
    }

    @Test
    void tagsPatchAndReplace() {
        TwinDocument twin = TwinDocument.empty().patchTags(j("{'env':'prod','loc':{'b':1}}"), T0).twin();
        twin = twin.patchTags(j("{'loc':{'f':2},'env':null}"), T0).twin();
        assertThat(twin.tags()).isEqualTo(j("{'loc':{'b':1,'f':2}}"));
        twin = twin.replaceTags(j("{'x':1}"), T0).twin();
        assertThat(twin.tags()).isEqualTo(j("{'x':1}"));
        assertThat(twin.version()).isEqualTo(4);
        assertThat(twin.desiredVersion()).isEqualTo(1);
    }

    @Test
    void numericTypesAreNormalisedSoEqualValuesAreNoOps() {
        ObjectNode patch = o("{}");
        patch.put("n", 5L);
        TwinDocument twin = TwinDocument.empty().patchReported(patch, T0).twin();
        assertThat(twin.patchReported(j("{'n':5}"), T1).changed()).isFalse();
        ObjectNode f = o("{}");
        f.put("f", 0.1f);
        twin = twin.patchReported(f, T1).twin();
        assertThat(twin.patchReported(j("{'f':0.1}"), T2).changed()).isFalse();
    }

    @Test
    void ofBuildsAValidatedVersionOneTwin() {
        TwinDocument twin = TwinDocument.of(j("{'t':1}"), j("{'d':{'e':1}}"), null, T0);
        assertThat(twin.version()).isEqualTo(1);
        assertThat(twin.tags()).isEqualTo(j("{'t':1}"));
        assertThat(twin.desired()).isEqualTo(j("{'d':{'e':1}}"));
        assertThat(twin.reported()).isEqualTo(j("{}"));
        assertThat(twin.propertiesJson().at("/desired/$metadata/d/e/$lastUpdatedVersion").asLong()).isEqualTo(1);
    }
}
