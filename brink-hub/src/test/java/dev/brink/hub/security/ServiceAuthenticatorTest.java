package dev.brink.hub.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.sas.SasTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAuthenticatorTest {
    @TempDir
    Path dir;

    private AccessPolicies policies;
    private ServiceAuthenticator authenticator;
    private final long inOneHour = Instant.now().getEpochSecond() + 3600;

    @BeforeEach
    void setUp() {
        policies = AccessPolicies.loadOrCreate(dir.resolve("policies.json"));
        authenticator = new ServiceAuthenticator(policies, "Hub.Example.Test", Clock.systemUTC());
    }

    private String token(String audience, String key, long expiry, String skn) {
        return SasTokens.create(audience, key, expiry, skn);
    }

    @Test
    void acceptsPrimaryAndSecondaryKeyWithOrWithoutPortInAudience() {
        AccessPolicy owner = policies.get("iothubowner");
        for (String audience : new String[] {"hub.example.test", "HUB.example.test:8443", "hub.example.test/devices/d1"}) {
            assertThatCode(() -> authenticator.authenticate(token(audience, owner.primaryKey(), inOneHour, "iothubowner")))
                    .doesNotThrowAnyException();
        }
        assertThatCode(() -> authenticator.authenticate(
                token("hub.example.test", owner.secondaryKey(), inOneHour, "iothubowner"))).doesNotThrowAnyException();
    }

    @Test
    void rejectsEachFailureWithUnauthorizedAndAReason() {
        AccessPolicy owner = policies.get("iothubowner");
        String otherKey = policies.get("service").primaryKey();
        assertUnauthorized(null, "missing");
        assertUnauthorized("Bearer abc", "malformed");
        assertUnauthorized(token("hub.example.test", owner.primaryKey(), inOneHour, null), "no skn");
        assertUnauthorized(token("hub.example.test", owner.primaryKey(), inOneHour, "nosuchpolicy"), "unknown shared access policy");
        assertUnauthorized(token("hub.example.test", otherKey, inOneHour, "iothubowner"), "signature");
        assertUnauthorized(token("hub.example.test", owner.primaryKey(), Instant.now().getEpochSecond() - 3600, "iothubowner"),
                "expired");
        assertUnauthorized(token("other.example.test", owner.primaryKey(), inOneHour, "iothubowner"), "not for this hub");
        assertUnauthorized(token("hub.example.test.evil", owner.primaryKey(), inOneHour, "iothubowner"), "not for this hub");
    }

    @Test
    void rightsAreCheckedAsAnyOf() {
        AccessPolicy reader = policies.get("registryRead");
        assertThatCode(() -> ServiceAuthenticator.requireAnyRight(reader,
                EnumSet.of(AccessRight.RegistryRead, AccessRight.ServiceConnect), "GET /twins/d1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> ServiceAuthenticator.requireAnyRight(reader, EnumSet.of(AccessRight.RegistryWrite),
                "PUT /devices/d1"))
                .isInstanceOfSatisfying(BrinkException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.errorCode()).isEqualTo(ErrorCode.Unauthorized);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("registryRead", "RegistryWrite");
                });
    }

    private void assertUnauthorized(String header, String reason) {
        assertThatThrownBy(() -> authenticator.authenticate(header))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.errorCode()).isEqualTo(ErrorCode.Unauthorized))
                .hasMessageContaining(reason);
    }
}
