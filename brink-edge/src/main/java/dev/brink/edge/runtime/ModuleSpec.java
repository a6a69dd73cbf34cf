package dev.brink.edge.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the runtime needs to run one module instance.
 *
 * @param name             the module name in the deployment (also its identity's module id)
 * @param image            {@code settings.image}: an OCI reference (docker) or a package path/URL with
 *                         an optional {@code @sha256:} pin (process)
 * @param createOptions    {@code settings.createOptions} as a JSON text (chunks already joined), or null
 * @param env              the complete environment (IOTEDGE_* and the manifest's env)
 * @param imagePullPolicy  {@code on-create} (default) or {@code never}
 * @param registry         credentials for the image's registry, or null
 * @param workloadSocket   the module's workload API unix socket on the host, or null
 * @param version          the manifest's module version (a change means "restart with the new spec")
 */
public record ModuleSpec(
        String name,
        String image,
        String createOptions,
        Map<String, String> env,
        String imagePullPolicy,
        RegistryCredential registry,
        Path workloadSocket,
        String version) {

    public ModuleSpec {
        env = env == null ? Map.of() : Map.copyOf(env);
        imagePullPolicy = imagePullPolicy == null ? "on-create" : imagePullPolicy;
    }

    /** A registry login from the manifest's {@code registryCredentials}. */
    public record RegistryCredential(String address, String username, String password) {
        @Override
        public String toString() {
            return "RegistryCredential[address=" + address + ", username=" + username + ", password=***]";
        }
    }
}
