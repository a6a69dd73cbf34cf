package dev.brink.client;

import java.time.Instant;

/**
 * Mints the SAS token sent as the CONNECT password. The client asks for a new token at every connect,
 * including the proactive reconnect before the previous token expires, so implementations need no cache.
 */
public interface SasTokenProvider {
    /**
     * @param audience the unencoded resource, {@code {hub}/devices/{d}[/modules/{m}]}
     * @param expiresAt the token's expiry ({@code se})
     * @return a {@code SharedAccessSignature sr=..&sig=..&se=..} token
     * @throws IotHubClientException when no token can be made (e.g. the workload API is unreachable)
     */
    String createToken(String audience, Instant expiresAt);
}
