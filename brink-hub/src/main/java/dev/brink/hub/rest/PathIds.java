package dev.brink.hub.rest;

/**
 * Ids in request paths: the Java service SDK inserts them unencoded, other clients percent-encode
 * them. The router has already decoded valid escapes once; this leaves everything else alone, so an
 * id holding a literal {@code %} (allowed by IoT Hub) survives when sent unencoded.
 */
final class PathIds {
    private PathIds() {
    }

    static String decode(String segment) {
        return segment;
    }
}
