package dev.brink.core.deployment;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code runtime}: its type and settings. {@code registryCredentials} hold secrets; use
 * {@link #credentialFor(String)} to pick one for an image and never report them.
 */
public record RuntimeConfig(String type, String minDockerVersion, String loggingOptions,
                            Map<String, RegistryCredential> registryCredentials) {
    public RuntimeConfig {
        registryCredentials = registryCredentials == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(registryCredentials));
    }

    /**
     * The first credential (by name) whose address is the registry of {@code image}: the part before the
     * first '/' when it looks like a host (has '.' or ':' or is {@code localhost}).
     */
    public Optional<RegistryCredential> credentialFor(String image) {
        if (image == null) {
            return Optional.empty();
        }
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean isHost = first.contains(".") || first.contains(":") || first.equals("localhost");
        String registry = isHost ? first : "docker.io";
        return registryCredentials.values().stream()
                .filter(c -> stripScheme(c.address()).equalsIgnoreCase(registry))
                .findFirst();
    }

    private static String stripScheme(String address) {
        String a = address.replaceFirst("^[a-zA-Z]+://", "");
        return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    }
}
