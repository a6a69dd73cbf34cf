package dev.brink.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class ETagsTest {
    @Test
    void acceptsBareQuotedAndWeakForms() {
        for (String ifMatch : new String[] {"AAAAAAAAAAc=", "\"AAAAAAAAAAc=\"", "W/\"AAAAAAAAAAc=\"", " AAAAAAAAAAc= "}) {
            assertThatCode(() -> ETags.require(ifMatch, "AAAAAAAAAAc=", "x")).doesNotThrowAnyException();
        }
        assertThat(ETags.unconditional(null)).isTrue();
        assertThat(ETags.unconditional("\"*\"")).isTrue();
        assertThat(ETags.unconditional("")).isTrue();
    }

    @Test
    void staleEtagIsPreconditionFailed() {
        assertThatThrownBy(() -> ETags.require("\"old\"", "new", "twin d"))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PreconditionFailed));
    }

    @Test
    void newEtagAlwaysDiffers() {
        String etag = RegistryService.newEtag(null);
        for (int i = 0; i < 100; i++) {
            String next = RegistryService.newEtag(etag);
            assertThat(next).isNotEqualTo(etag);
            etag = next;
        }
    }
}
