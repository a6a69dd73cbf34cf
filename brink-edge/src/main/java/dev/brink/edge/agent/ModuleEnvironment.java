package dev.brink.edge.agent;

import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.edge.workload.ModuleKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of an instance (issue 4 §5, reference §4): the manifest's {@code env} first, then the
 * {@code IOTEDGE_*} variables, which always win (a module cannot pose as another), and {@code RuntimeLogLevel}
 * unless the manifest sets it.
 *
 * @param iotHubHostName   the hub's HostName as in the device connection string (may carry {@code :port})
 * @param gatewayHostName  {@code IOTEDGE_GATEWAYHOSTNAME}: where modules reach the edge hub — always set while the
 *                         edge hub is enabled ({@code [listen] gateway_host_name}, else {@code [edge_hub] host},
 *                         127.0.0.2 by default; see {@code EdgeConfig#modulesGatewayHostName}); null only when the
 *                         edge hub is disabled and no external gateway is configured (modules then use the hub)
 * @param dockerRuntime    true when the workload socket is mounted into a container at its well-known path
 */
public record ModuleEnvironment(String deviceId, String iotHubHostName, String gatewayHostName, String logLevel,
                                boolean dockerRuntime) {
    public static final String API_VERSION = "2020-07-07";
    public static final String CONTAINER_WORKLOAD_URI = "unix:///var/run/iotedge/workload.sock";

    public Map<String, String> build(ModuleDefinition def, ModuleKey identity, java.nio.file.Path workloadSocket) {
        Map<String, String> env = new LinkedHashMap<>(def.env());
        env.put("IOTEDGE_DEVICEID", deviceId);
        env.put("IOTEDGE_MODULEID", identity.moduleId());
        env.put("IOTEDGE_IOTHUBHOSTNAME", iotHubHostName);
        if (gatewayHostName != null && !gatewayHostName.isBlank()) {
            env.put("IOTEDGE_GATEWAYHOSTNAME", gatewayHostName);
        } else {
            env.remove("IOTEDGE_GATEWAYHOSTNAME");
        }
        env.put("IOTEDGE_WORKLOADURI", dockerRuntime || workloadSocket == null ? CONTAINER_WORKLOAD_URI
                : "unix://" + workloadSocket.toAbsolutePath());
        env.put("IOTEDGE_AUTHSCHEME", "sasToken");
        env.put("IOTEDGE_MODULEGENERATIONID", identity.generationId());
        env.put("IOTEDGE_APIVERSION", API_VERSION);
        env.putIfAbsent("RuntimeLogLevel", logLevel == null ? "info" : logLevel);
        return env;
    }
}
