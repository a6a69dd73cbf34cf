package dev.brink.edge.runtime.docker;

import dev.brink.core.error.BrinkException;
import java.util.Locale;
import java.util.Set;

/**
 * An OCI image reference split the way the Engine API's pull wants it ({@code fromImage} + {@code tag}),
 * with the registry host the engine will contact. A reference without tag or digest gets {@code :latest},
 * as the reference runtime does (§1.2 {@code settings.image}).
 *
 * @param registry    the registry host[:port]; {@code docker.io} when the reference names none
 * @param repository  everything before the tag or digest, exactly as written (e.g. {@code 127.0.0.1:5000/a/b})
 * @param tag         the tag, or the digest ({@code sha256:...}) when {@code digest} is true
 */
record ImageReference(String registry, String repository, String tag, boolean digest) {

    static final String DOCKER_HUB = "docker.io";
    private static final Set<String> DOCKER_HUB_ALIASES =
            Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    static ImageReference parse(String image) {
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw BrinkException.invalid("settings.image must be an OCI image reference, got '" + image + "'");
        }
        String repository;
        String tag;
        boolean digest;
        int at = image.indexOf('@');
        if (at >= 0) {
            repository = image.substring(0, at);
            tag = image.substring(at + 1);
            digest = true;
        } else {
            int lastSlash = image.lastIndexOf('/');
            int colon = image.lastIndexOf(':');
            // A colon before the last slash is a registry port, not a tag.
            boolean hasTag = colon > lastSlash;
            repository = hasTag ? image.substring(0, colon) : image;
            tag = hasTag ? image.substring(colon + 1) : "latest";
            digest = false;
        }
        if (repository.isEmpty() || tag.isEmpty()) {
            throw BrinkException.invalid("settings.image '" + image + "' is not a valid image reference");
        }
        return new ImageReference(registryOf(repository), repository, tag, digest);
    }

    /** The reference the engine stores and inspects: {@code repo:tag} or {@code repo@sha256:...}. */
    String canonical() {
        return repository + (digest ? "@" : ":") + tag;
    }

    /**
     * Whether a {@code registryCredentials} address names this image's registry. Credentials are only
     * ever sent to the registry they were written for, so a mismatch means "pull anonymously".
     */
    boolean isServedBy(String credentialAddress) {
        if (credentialAddress == null) {
            return false;
        }
        String address = credentialAddress.trim().toLowerCase(Locale.ROOT)
                .replaceFirst("^[a-z]+://", "");
        int slash = address.indexOf('/');
        if (slash >= 0) {
            address = address.substring(0, slash);
        }
        String mine = registry.toLowerCase(Locale.ROOT);
        return address.equals(mine) || (DOCKER_HUB_ALIASES.contains(address) && DOCKER_HUB_ALIASES.contains(mine));
    }

    private static String registryOf(String repository) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return DOCKER_HUB;
        }
        String first = repository.substring(0, slash);
        // Docker's rule: the first component is a registry host when it looks like one.
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? first : DOCKER_HUB;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
