package dev.brink.core.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SasAudienceTest {

    @Test
    void parsesDeviceModuleAndHubAudiences() {
        assertThat(SasAudience.parse("hub.local/devices/d1"))
                .isEqualTo(new SasAudience("hub.local", "d1", null));
        SasAudience module = SasAudience.parse("hub.local/devices/d1/modules/$edgeAgent");
        assertThat(module).isEqualTo(new SasAudience("hub.local", "d1", "$edgeAgent"));
        assertThat(module.isModule()).isTrue();
        assertThat(module.isHub()).isFalse();
        SasAudience hub = SasAudience.parse("hub.local");
        assertThat(hub.isHub()).isTrue();
        assertThat(hub.deviceId()).isNull();
    }

    @Test
    void idsKeepTheirCaseAndSegmentNamesAreCaseInsensitive() {
        assertThat(SasAudience.parse("Hub/Devices/Dev1/Modules/ModA"))
                .isEqualTo(new SasAudience("Hub", "Dev1", "ModA"));
        assertThat(SasAudience.parse("Hub/devices/d").hostMatches("hub")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/devices/d", "h/devices", "h/devices/", "h/things/d", "h/devices/d/modules",
        "h/devices/d/modules/", "h/devices/d/extra/m", "h/devices/d/modules/m/x", "h/devices/a b",
        "h/devices/d/", "h//d"})
    void rejectsOtherShapes(String resource) {
        assertThatThrownBy(() -> SasAudience.parse(resource))
                .isInstanceOf(BrinkException.class)
                .hasMessageContaining("invalid SAS audience")
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized);
    }
}
