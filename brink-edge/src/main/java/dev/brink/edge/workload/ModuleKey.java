package dev.brink.edge.workload;

import java.util.Objects;

/** A module identity known to the edge runtime: id, generation id and its primary (base64) key. */
public record ModuleKey(String moduleId, String generationId, String primaryKey) {
    public ModuleKey {
        Objects.requireNonNull(moduleId, "moduleId");
        Objects.requireNonNull(generationId, "generationId");
        Objects.requireNonNull(primaryKey, "primaryKey");
    }

    @Override
    public String toString() {
        // Never print the key.
        return "ModuleKey[moduleId=" + moduleId + ", generationId=" + generationId + "]";
    }
}
