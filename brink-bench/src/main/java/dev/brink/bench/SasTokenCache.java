package dev.brink.bench;

import dev.brink.client.service.ServiceEndpoint;
import dev.brink.core.sas.SasTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One service SAS token (audience = the hub host, signed with the policy key, one hour) shared by every
 * request, as a real back end would do; minted anew only when less than ten minutes remain, so that
 * signing is no part of what is measured and a long run never sends an expired token.
 */
final class SasTokenCache implements Supplier<String> {
    static final Duration LIFETIME = Duration.ofHours(1);
    static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

    private final ServiceEndpoint endpoint;
    private volatile String token;
    private volatile Instant expiresAt = Instant.EPOCH;

    SasTokenCache(ServiceEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String get() {
        if (Instant.now().isAfter(expiresAt.minus(RENEW_BEFORE))) {
            renew();
        }
        return token;
    }

    private synchronized void renew() {
        Instant now = Instant.now();
        if (now.isBefore(expiresAt.minus(RENEW_BEFORE))) {
            return;
        }
        Instant expiry = now.plus(LIFETIME);
        token = SasTokens.create(endpoint.host().toLowerCase(Locale.ROOT), endpoint.key(), expiry.getEpochSecond(),
                endpoint.keyName());
        expiresAt = expiry;
    }
}
