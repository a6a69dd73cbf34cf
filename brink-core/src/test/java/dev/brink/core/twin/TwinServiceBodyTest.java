package dev.brink.core.twin;

import static dev.brink.core.twin.TwinTestSupport.T0;
import static dev.brink.core.twin.TwinTestSupport.T1;
import static dev.brink.core.twin.TwinTestSupport.assertInvalid;
import static dev.brink.core.twin.TwinTestSupport.j;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TwinServiceBodyTest {
    private final TwinDocument base = TwinDocument.empty()
            .applyServicePatch(j("{'tags':{'env':'prod','loc':{'b':1}},'properties':{'desired':{'a':1,'o':{'x':1}}}}"), T0)
            .twin()
            .patchReported(j("{'r':1}"), T0).twin();

    @Test
    void servicePatchMergesTagsAndDesired() {
        TwinUpdate update = base.applyServicePatch(
                j("{'tags':{'loc':{'f':2},'env':null},'properties':{'desired':{'o':{'y':2},'a':null}}}"), T1);
        TwinDocument twin = update.twin();
        assertThat(twin.tags()).isEqualTo(j("{'loc':{'b':1,'f':2}}"));
        assertThat(twin.desired()).isEqualTo(j("{'o':{'x':1,'y':2}}"));
        assertThat(twin.reported()).isEqualTo(j("{'r':1}"));
        assertThat(twin.version()).isEqualTo(base.version() + 1);
        assertThat(twin.desiredVersion()).isEqualTo(base.desiredVersion() + 1);
        assertThat(update.desiredPatch()).isEqualTo(j("{'o':{'y':2},'a':null,'$version':3}"));
    }

    @Test
    void servicePatchIgnoresIdentityFieldsAndVersionKeys() {
        TwinUpdate update = base.applyServicePatch(j("""
                {'deviceId':'d1','etag':'AAAAAAAAAAE=','status':'enabled','version':77,
                 'properties':{'desired':{'$version':1,'$metadata':{'x':1},'a':2}}}"""), T1);
        assertThat(update.twin().desired()).isEqualTo(j("{'a':2,'o':{'x':1}}"));
        assertThat(update.twin().tags()).isEqualTo(base.tags());
    }

    @Test
    void tagsOnlyPatchLeavesDesiredAndSendsNoNotification() {
        TwinUpdate update = base.applyServicePatch(j("{'tags':{'new':true},'properties':{'desired':null}}"), T1);
        assertThat(update.changed()).isTrue();
        assertThat(update.desiredPatch()).isNull();
        assertThat(update.twin().desiredVersion()).isEqualTo(base.desiredVersion());
    }

    @Test
    void emptyOrUnchangedServicePatchIsANoOp() {
        assertThat(base.applyServicePatch(j("{}"), T1).twin()).isSameAs(base);
        assertThat(base.applyServicePatch(j("{'tags':{'env':'prod'},'properties':{'desired':{'a':1}}}"), T1).changed())
                .isFalse();
    }

    @Test
    void serviceReplaceReplacesTagsAndDesiredWholesale() {
        TwinUpdate update = base.applyServiceReplace(
                j("{'deviceId':'d','tags':{'t':1},'properties':{'desired':{'z':{'q':1}}}}"), T1);
        TwinDocument twin = update.twin();
        assertThat(twin.tags()).isEqualTo(j("{'t':1}"));
        assertThat(twin.desired()).isEqualTo(j("{'z':{'q':1}}"));
        assertThat(twin.reported()).isEqualTo(j("{'r':1}"));
        assertThat(twin.version()).isEqualTo(base.version() + 1);
        assertThat(update.desiredPatch()).isEqualTo(j("{'z':{'q':1},'$version':3}"));
    }

    @Test
    void serviceReplaceWithAbsentPartsEmptiesThem() {
        TwinDocument twin = base.applyServiceReplace(j("{'tags':{'t':1}}"), T1).twin();
        assertThat(twin.tags()).isEqualTo(j("{'t':1}"));
        assertThat(twin.desired()).isEqualTo(j("{}"));
    }

    @Test
    void serviceReplaceWithTheSameContentIsANoOp() {
        TwinUpdate update = base.applyServiceReplace(
                j("{'tags':{'env':'prod','loc':{'b':1}},'properties':{'desired':{'a':1,'o':{'x':1},'$version':9}}}"),
                T1);
        assertThat(update.changed()).isFalse();
        assertThat(update.twin()).isSameAs(base);
    }

    @Test
    void reportedInAServiceBodyIsRefused() {
        assertInvalid(() -> base.applyServicePatch(j("{'properties':{'reported':{'r':2}}}"), T1),
                "properties.reported", "cannot be written by the service");
        assertInvalid(() -> base.applyServiceReplace(j("{'properties':{'desired':{},'reported':{}}}"), T1),
                "properties.reported");
    }

    @Test
    void malformedServiceBodiesAreRefused() {
        assertInvalid(() -> base.applyServicePatch(j("[1]"), T1), "body", "JSON object");
        assertInvalid(() -> base.applyServicePatch(j("{'properties':5}"), T1), "properties", "JSON object");
        assertInvalid(() -> base.applyServicePatch(j("{'tags':[1]}"), T1), "tags", "JSON object");
        assertInvalid(() -> base.applyServiceReplace(j("{'properties':{'desired':'x'}}"), T1),
                "properties.desired", "JSON object");
    }

    @Test
    void servicePatchValidatesBothPartsBeforeChangingAnything() {
        assertInvalid(() -> base.applyServicePatch(j("{'tags':{'ok':1},'properties':{'desired':{'bad key':1}}}"), T1),
                "properties.desired.bad key", "whitespace");
    }
}
