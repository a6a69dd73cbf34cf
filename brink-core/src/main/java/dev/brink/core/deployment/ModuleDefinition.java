package dev.brink.core.deployment;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One module of a deployment (reference §1.2), after defaults are applied.
 *
 * @param name          the module name (the key in {@code modules}; for system modules edgeAgent/edgeHub)
 * @param status        desired status; system module edgeAgent has none (always running)
 * @param startupOrder  0..4294967295; lower starts first; default {@link #DEFAULT_STARTUP_ORDER} (last)
 * @param env           the manifest's {@code env}, name → value
 */
public record ModuleDefinition(String name, String version, String type, DesiredStatus status,
                               RestartPolicy restartPolicy, ImagePullPolicy imagePullPolicy, long startupOrder,
                               Map<String, String> env, ModuleSettings settings) {
    public static final long DEFAULT_STARTUP_ORDER = 4_294_967_295L;

    public ModuleDefinition {
        Objects.requireNonNull(name, "name");
        version = version == null ? "" : version;
        env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        imagePullPolicy = imagePullPolicy == null ? ImagePullPolicy.ON_CREATE : imagePullPolicy;
        status = status == null ? DesiredStatus.RUNNING : status;
    }

    /**
     * True when {@code other} runs the same thing: same version, type, image, createOptions and env. A
     * difference here means the instance must be re-created; differences only in status, restart policy,
     * pull policy or startup order do not.
     */
    public boolean sameInstanceSpec(ModuleDefinition other) {
        return other != null && version.equals(other.version) && Objects.equals(type, other.type)
                && Objects.equals(settings, other.settings) && env.equals(other.env);
    }
}
