package dev.brink.hub.security;

import dev.brink.core.error.BrinkException;
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
 */
public final class ServiceAuthenticator {
    private final AccessPolicies policies;
    private final String hubHostName;
    private final Clock clock;

    public ServiceAuthenticator(AccessPolicies policies, String hubHostName, Clock clock) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.hubHostName = Objects.requireNonNull(hubHostName, "hubHostName");
        this.clock = Objects.requireNonNull(clock, "clock");
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
