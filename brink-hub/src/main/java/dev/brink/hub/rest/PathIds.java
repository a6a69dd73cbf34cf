package dev.brink.hub.rest;

/**
 * Ids in request paths: the Java service SDK inserts them unencoded, other clients percent-encode them.
 * Vert.x decodes path parameters exactly once and never turns '+' into a space, which handles both, so
 * this is the identity; it stays the one place to change should that ever differ. A literal '%' in an
 * id must be sent as {@code %25}.
 */
public final class PathIds {
    private PathIds() {
    }

    public static String decode(String pathParam) {
        return pathParam;
    }
}
