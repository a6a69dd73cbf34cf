package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.TwinReply;
import java.util.concurrent.CompletableFuture;

/**
 * Twins of the edge hub's clients (issue 5 §5), durable: GET from the hub when online (cached), from the cache
 * when offline; reported patches acknowledged locally, merged, and synced upstream in order when the link is up,
 * never lost across restarts; desired patches from the hub forwarded, and a version gap or a reconnect answered
 * with a full sync whose difference is pushed to the client. Thread-safe.
 */
public interface TwinCache extends AutoCloseable {

    CompletableFuture<TwinReply> get(IdentityKey who);

    CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch);

    /** A desired patch pushed by the hub (with {@code $version}). */
    void desiredFromHub(IdentityKey who, ObjectNode patch);

    /** The link came up: push pending reported patches, then resync desired for the identities in the cache. */
    void linkRestored();

    @Override
    void close();
}
