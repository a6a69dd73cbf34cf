package dev.brink.core.deployment;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated {@code $edgeAgent} deployment (reference §1.2): what the agent should run. Made by
 * {@link DeploymentParser}; immutable.
 *
 * @param systemModules edgeAgent and/or edgeHub, by those names (may be empty)
 * @param modules       user modules by name, sorted by name
 */
public record EdgeDeployment(String schemaVersion, RuntimeConfig runtime, Map<String, ModuleDefinition> systemModules,
                             Map<String, ModuleDefinition> modules) {
    public EdgeDeployment {
        systemModules = systemModules == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(systemModules));
        modules = modules == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(modules));
    }

    /** The user modules in start order: ascending {@code startupOrder}, then by name. */
    public List<ModuleDefinition> modulesInStartupOrder() {
        return modules.values().stream()
                .sorted(Comparator.comparingLong(ModuleDefinition::startupOrder).thenComparing(ModuleDefinition::name))
                .toList();
    }
}
