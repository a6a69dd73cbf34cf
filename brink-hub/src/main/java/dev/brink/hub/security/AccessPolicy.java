package dev.brink.hub.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One shared access policy: a named pair of keys and the rights a token signed with either key carries.
 * The JSON names match Azure's {@code SharedAccessSignatureAuthorizationRule}.
 */
public record AccessPolicy(
        @JsonProperty("keyName") String keyName,
        @JsonProperty("primaryKey") String primaryKey,
        @JsonProperty("secondaryKey") String secondaryKey,
        @JsonProperty("rights") Set<AccessRight> rights) {

    public AccessPolicy {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        rights = rights == null || rights.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rights));
    }

    public boolean has(AccessRight right) {
        return rights.contains(right);
    }

    /** Policies hold credentials: never print the keys into logs. */
    @Override
    public String toString() {
        return "AccessPolicy[keyName=" + keyName + ", rights=" + rights + ", keys=<redacted>]";
    }
}
