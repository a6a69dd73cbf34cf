package dev.brink.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives desired-property patches (changed keys only, {@code null} for removed keys), on the dispatch thread. */
@FunctionalInterface
public interface DesiredPropertiesHandler {
    /**
     * @param patch the patch as applied by the hub, including {@code $version}
     * @param version the new desired version (from the body's {@code $version}, else from the topic)
     */
    void onDesiredPropertiesUpdate(ObjectNode patch, long version) throws Exception;
}
