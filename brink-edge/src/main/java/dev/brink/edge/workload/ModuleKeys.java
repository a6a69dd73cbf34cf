package dev.brink.edge.workload;

import java.util.Optional;

/**
 * Source of module identities for the workload API (the agent's identity cache). Keys are only used
 * inside the runtime to sign on behalf of a module; they are never returned to callers.
 */
public interface ModuleKeys {

    /** The current identity of the module, or empty when the runtime does not know it. */
    Optional<ModuleKey> find(String moduleName);
}
