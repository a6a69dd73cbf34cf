package dev.brink.hub.security;

import dev.brink.core.error.BrinkException;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.sas.SasAudience;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Authenticates service REST requests: {@code Authorization: SharedAccessSignature sr=..&sig=..&se=..&skn=..}
 * signed with a shared access policy key. Every failure is a {@code 401 Unauthorized} with a message that
 * says which check failed (the token itself is never echoed).
 *
 * <p>One narrow exception to "policy tokens only": when built with {@link EdgeDeviceKeys}, a token without
 * {@code skn} whose audience is {@code {hub}/devices/{edgeId}} and which is signed with that edge device's key
 * authenticates the edge device itself ({@link #authenticateEdgeDevice}); the REST frame then lets it manage
 * only its own modules' identities. That is how an edge runtime creates module identities with nothing but
 * its device credentials (reference §3, identityd). Tokens of the edge device's system modules ({@code
 * {hub}/devices/{edgeId}/modules/$edgeHub} or {@code $edgeAgent}, signed with that module's key) authenticate
 * that module; the REST frame lets it read its device scope only.
 */
public final class ServiceAuthenticator {
    /** The modules whose own tokens the service API accepts (for reading their edge device's scope). */
    public static final java.util.Set<String> EDGE_SYSTEM_MODULES = java.util.Set.of("$edgeHub", "$edgeAgent");

    private final AccessPolicies policies;
    private final String hubHostName;
    private final Clock clock;
    private final EdgeDeviceKeys edgeDevices;

    public ServiceAuthenticator(AccessPolicies policies, String hubHostName, Clock clock) {
        this(policies, hubHostName, clock, null);
    }

    /** @param edgeDevices device key lookup enabling edge-device tokens, or null to accept policy tokens only */
    public ServiceAuthenticator(AccessPolicies policies, String hubHostName, Clock clock, EdgeDeviceKeys edgeDevices) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.hubHostName = Objects.requireNonNull(hubHostName, "hubHostName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.edgeDevices = edgeDevices;
    }

    /**
     * True when {@code authorizationHeader} should go to {@link #authenticateEdgeDevice}: edge-device tokens
     * are enabled and the token has no {@code skn} and a device audience, or the audience of an edge system
     * module ({@link #EDGE_SYSTEM_MODULES}). Cheap (no I/O).
     */
    public boolean isEdgeDeviceToken(String authorizationHeader) {
        if (edgeDevices == null || authorizationHeader == null || authorizationHeader.isBlank()) {
            return false;
        }
        try {
            SasToken token = SasToken.parse(authorizationHeader.trim());
            SasAudience audience = SasAudience.of(token);
            return token.keyName() == null && audience.deviceId() != null
                    && (!audience.isModule() || EDGE_SYSTEM_MODULES.contains(audience.moduleId()));
        } catch (BrinkException e) {
            return false;
        }
    }

    /**
     * Authenticates a device-scoped token ({@code sr = {hub}/devices/{edgeId}}, no {@code skn}) signed with the
     * device's own key, or an edge system module's token ({@code sr = {hub}/devices/{edgeId}/modules/$edgeHub})
     * signed with that module's key, and returns who signed: the device, or the module. Only enabled SAS edge
     * devices (and their system modules) qualify. Blocking.
     *
     * @throws BrinkException {@code Unauthorized} naming the failed check
     */
    public IdentityKey authenticateEdgeDevice(String authorizationHeader) {
        if (edgeDevices == null) {
            throw BrinkException.unauthorized("device tokens are not accepted on the service API");
        }
        SasToken token = SasToken.parse(authorizationHeader.trim());
        SasAudience audience = SasAudience.of(token);
        if (token.keyName() != null || audience.deviceId() == null
                || (audience.isModule() && !EDGE_SYSTEM_MODULES.contains(audience.moduleId()))) {
            throw BrinkException.unauthorized("expected a device token: sr={hub}/devices/{edgeDeviceId} (or "
                    + "{hub}/devices/{edgeDeviceId}/modules/$edgeHub|$edgeAgent), no skn");
        }
        requireAudience(token);
        String deviceId = audience.deviceId();
        IdentityKey signer = audience.isModule() ? IdentityKey.module(deviceId, audience.moduleId())
                : IdentityKey.device(deviceId);
        EdgeDeviceKeys.Device device = edgeDevices.find(signer).orElseThrow(() -> BrinkException.unauthorized(
                "unknown " + (signer.isModule() ? "module " : "device ") + signer));
        if (!device.iotEdge()) {
            throw BrinkException.unauthorized("device " + deviceId + " is not an edge device: only edge devices "
                    + "may call the service API with their own credentials");
        }
        if (!device.enabled()) {
            throw BrinkException.unauthorized("device " + deviceId + " is disabled");
        }
        if (!"sas".equals(device.authType())
                || (!SasTokens.signatureMatches(token, device.primaryKey())
                        && !SasTokens.signatureMatches(token, device.secondaryKey()))) {
            throw BrinkException.unauthorized("the SAS token signature does not match the keys of "
                    + (signer.isModule() ? "module " : "device ") + signer);
        }
        SasTokens.requireNotExpired(token, clock.instant());
        return signer;
    }

    /**
     * Checks the header and returns the policy whose key signed it.
     *
     * @throws BrinkException {@code Unauthorized} when the header is missing or malformed, names no known
     *     policy, has a bad signature, is expired, or is for another hub
     */
    public AccessPolicy authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw BrinkException.unauthorized("the Authorization header is missing; send a SharedAccessSignature "
                    + "token signed with a shared access policy key");
        }
        SasToken token = SasToken.parse(authorizationHeader.trim());
        if (token.keyName() == null) {
            throw BrinkException.unauthorized("the SAS token has no skn: service requests need a token signed "
                    + "with a shared access policy key");
        }
        AccessPolicy policy = policies.find(token.keyName()).orElseThrow(() -> BrinkException.unauthorized(
                "unknown shared access policy '" + token.keyName() + "'"));
        if (!SasTokens.signatureMatches(token, policy.primaryKey())
                && !SasTokens.signatureMatches(token, policy.secondaryKey())) {
            throw BrinkException.unauthorized("the SAS token signature does not match the keys of policy '"
                    + policy.keyName() + "'");
        }
        SasTokens.requireNotExpired(token, clock.instant());
        requireAudience(token);
        return policy;
    }

    /**
     * Requires {@code policy} to hold at least one of {@code anyOf}.
     *
     * @throws BrinkException {@code Unauthorized} naming the missing rights
     */
    public static void requireAnyRight(AccessPolicy policy, Set<AccessRight> anyOf, String operation) {
        if (anyOf.isEmpty() || anyOf.stream().anyMatch(policy::has)) {
            return;
        }
        String needed = anyOf.stream().map(Enum::name).sorted().collect(Collectors.joining(" or "));
        throw BrinkException.unauthorized("policy '" + policy.keyName() + "' lacks the " + needed
                + " right required for " + operation);
    }

    /** The audience's host (before any '/' and ':port') must be this hub's host name. */
    private void requireAudience(SasToken token) {
        String resource = token.resourceDecoded();
        int slash = resource.indexOf('/');
        String host = slash < 0 ? resource : resource.substring(0, slash);
        if (!stripPort(host).equalsIgnoreCase(stripPort(hubHostName))) {
            throw BrinkException.unauthorized("the SAS token audience '" + resource + "' is not for this hub ("
                    + hubHostName + ")");
        }
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        // "[::1]:8443" or "host:8443": strip only a trailing all-digit port, keep bare IPv6 literals whole
        if ((colon > 0 && host.indexOf(':') == colon) || (host.startsWith("[") && colon > host.indexOf(']'))) {
            String port = host.substring(colon + 1);
            if (!port.isEmpty() && port.chars().allMatch(Character::isDigit)) {
                host = host.substring(0, colon);
            }
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
