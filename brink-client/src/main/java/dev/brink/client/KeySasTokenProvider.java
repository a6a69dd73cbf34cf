package dev.brink.client;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.sas.SasTokens;
import java.time.Instant;
import java.util.Objects;

/** Signs tokens locally with a device or module {@code SharedAccessKey}. */
public final class KeySasTokenProvider implements SasTokenProvider {
    private final String base64Key;

    /** @throws IotHubClientException {@code ArgumentInvalid} when the key is empty or not base64 */
    public KeySasTokenProvider(String base64Key) {
        this.base64Key = Objects.requireNonNull(base64Key, "base64Key");
        try {
            SasTokens.signature(base64Key, "check", "0");
        } catch (BrinkException e) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "SharedAccessKey: " + e.getMessage(), e);
        }
    }

    @Override
    public String createToken(String audience, Instant expiresAt) {
        // Node-style token: sr percent-encoded as a whole and signed as encoded; IoT Hub and Brink accept it.
        return SasTokens.create(audience, base64Key, expiresAt.getEpochSecond(), null);
    }

    @Override
    public String toString() {
        return "KeySasTokenProvider[key=<redacted>]";
    }
}
