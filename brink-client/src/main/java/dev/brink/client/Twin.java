package dev.brink.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The device/module twin as returned by a twin GET: desired and reported properties, each with its
 * {@code $version} (and {@code $metadata} when the server sends it). The nodes are copies owned by the caller.
 */
public record Twin(ObjectNode desired, ObjectNode reported) {
    public Twin {
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(reported, "reported");
    }

    public long desiredVersion() {
        return desired.path("$version").asLong(0);
    }

    public long reportedVersion() {
        return reported.path("$version").asLong(0);
    }
}
