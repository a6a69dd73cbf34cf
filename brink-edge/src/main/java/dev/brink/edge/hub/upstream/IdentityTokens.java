package dev.brink.edge.hub.upstream;

import dev.brink.client.IotHubClientException;
import dev.brink.client.SasTokenProvider;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.sas.SasTokens;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which key signs the CONNECT of an identity the edge hub acts for. The edge device and its modules use the
 * edge device's key with the device audience {@code {hub}/devices/{edge}} — the hub accepts a device-audience
 * token for any module of that device (edgeHub's rule, see the hub's DeviceAuthenticator), so the edge hub
 * needs no module keys. Any other identity (a child device) signs with its own key, looked up at every connect
 * so a rotated key is picked up at the next reconnect.
 */
final class IdentityTokens {
    private IdentityTokens() {
    }

    static SasTokenProvider forIdentity(UpstreamSettings settings, IdentityKey who,
                                        Function<IdentityKey, Optional<String>> childKeys) {
        if (who.deviceId().equals(settings.edgeDeviceId())) {
            String key = settings.edgeDeviceKey();
            return (audience, expiresAt) -> SasTokens.create(deviceAudience(audience), key,
                    expiresAt.getEpochSecond(), null);
        }
        return (audience, expiresAt) -> {
            String key = childKeys.apply(who).orElseThrow(() -> new IotHubClientException(ErrorCode.Unauthorized,
                    "no key for " + who + " in the edge hub's identity cache"));
            return SasTokens.create(audience, key, expiresAt.getEpochSecond(), null);
        };
    }

    /** {@code {hub}/devices/{d}} of {@code {hub}/devices/{d}[/modules/{m}]} (ids never contain '/'). */
    static String deviceAudience(String audience) {
        int modules = audience.indexOf("/modules/");
        return modules < 0 ? audience : audience.substring(0, modules);
    }
}
