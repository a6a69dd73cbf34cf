package dev.brink.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The desired-property patches one write task commits, handed to the task by
 * {@link TwinService#writeNotifying}; the listeners hear them after the commit is durable.
 * Only the writer thread touches it while the task runs; the outbox reads it after the commit.
 */
public final class DesiredChanges {
    private final List<IdentityKey> keys = new ArrayList<>(1);
    private final List<ObjectNode> patches = new ArrayList<>(1);

    DesiredChanges() {
    }

    /** Records the effective desired patch (with {@code $version}) of {@code key}; null is ignored. */
    public void add(IdentityKey key, ObjectNode desiredPatch) {
        if (desiredPatch != null) {
            keys.add(key);
            patches.add(desiredPatch);
        }
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    void forEach(BiConsumer<IdentityKey, ObjectNode> consumer) {
        for (int i = 0; i < keys.size(); i++) {
            consumer.accept(keys.get(i), patches.get(i));
        }
    }
}
