package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed {@code settings.image} of a process module: a plain path, a {@code file:} URL or an
 * {@code http(s):} URL, optionally pinned with a trailing {@code @sha256:<64 hex>}.
 *
 * @param raw     the image text as given
 * @param url     the http(s) URL, or null for a local package
 * @param path    the absolute local path, or null for a remote package
 * @param pinned  the pinned digest (64 lower-case hex), or null
 */
record PackageRef(String raw, URI url, Path path, String pinned) {
    private static final String PIN = "@sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    static PackageRef parse(String image) {
        if (image == null || image.isBlank()) {
            throw BrinkException.invalid("settings.image is empty: a process module needs a package path or URL");
        }
        String location = image.strip();
        String pinned = null;
        int at = location.lastIndexOf(PIN);
        if (at >= 0) {
            pinned = location.substring(at + PIN.length()).toLowerCase(Locale.ROOT);
            location = location.substring(0, at);
            if (!HEX64.matcher(pinned).matches()) {
                throw BrinkException.invalid("image '" + image + "': the @sha256: pin must be 64 hex digits");
            }
        }
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new PackageRef(image, httpUrl(image, location), null, pinned);
        }
        if (lower.startsWith("file:")) {
            return new PackageRef(image, null, fileUrl(image, location), pinned);
        }
        if (location.isEmpty()) {
            throw BrinkException.invalid("image '" + image + "' names no package");
        }
        return new PackageRef(image, null, Path.of(location).toAbsolutePath().normalize(), pinned);
    }

    boolean remote() {
        return url != null;
    }

    /** The location without the pin, for messages. */
    String location() {
        return remote() ? url.toString() : path.toString();
    }

    private static URI httpUrl(String image, String location) {
        try {
            URI uri = new URI(location);
            if (uri.getHost() == null) {
                throw BrinkException.invalid("image '" + image + "': the URL has no host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw BrinkException.invalid("image '" + image + "' is not a valid URL: " + e.getMessage());
        }
    }

    private static Path fileUrl(String image, String location) {
        try {
            return Path.of(new URI(location)).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw BrinkException.invalid("image '" + image + "' is not a valid absolute file: URL (file:///path): "
                    + e.getMessage());
        }
    }
}
