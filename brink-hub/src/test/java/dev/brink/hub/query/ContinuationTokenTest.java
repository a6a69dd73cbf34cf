package dev.brink.hub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.IdentityKey;
import org.junit.jupiter.api.Test;

class ContinuationTokenTest {
    private static final String QUERY = "SELECT * FROM devices.modules";

    @Test
    void roundTripsKeyAndCount() {
        ContinuationToken token = new ContinuationToken(IdentityKey.module("d 1+/é", "$edgeHub"), 42, QUERY.hashCode());
        String encoded = token.encode();
        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(ContinuationToken.decode(encoded, QUERY)).isEqualTo(token);
        assertThat(ContinuationToken.decode(null, QUERY)).isEqualTo(ContinuationToken.start(QUERY));
    }

    @Test
    void rejectsGarbageAndOtherQueries() {
        String encoded = new ContinuationToken(IdentityKey.device("d"), 1, QUERY.hashCode()).encode();
        assertThatThrownBy(() -> ContinuationToken.decode(encoded, "SELECT * FROM devices"))
                .isInstanceOf(BrinkException.class).hasMessageContaining("different query");
        assertThatThrownBy(() -> ContinuationToken.decode("!!!", QUERY)).isInstanceOf(BrinkException.class);
        assertThatThrownBy(() -> ContinuationToken.decode("e30", QUERY)).isInstanceOf(BrinkException.class);
    }
}
