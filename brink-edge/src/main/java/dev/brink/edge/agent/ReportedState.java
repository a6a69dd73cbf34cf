package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.deployment.DeploymentStatus;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.deployment.ModuleDefinition;
import dev.brink.core.json.Json;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the {@code $edgeAgent} reported properties (reference §2.1) and the diff against what was last
 * reported. Never contains a secret: no registry credentials, no env values, no createOptions (which may
 * carry env) — only what identifies and describes each instance.
 */
public final class ReportedState {
    static final String UNSET_TIME = "0001-01-01T00:00:00Z";

    private ReportedState() {
    }

    /** Everything the agent reports, as one document. */
    public static ObjectNode build(long lastDesiredVersion, DeploymentStatus status, EdgeDeployment deployment,
            String runtimeKind, Instant agentStartTime, Collection<ModuleInstance> instances,
            RestartPolicyManager restarts) {
        ObjectNode r = Json.object();
        r.put("schemaVersion", "1.0");
        r.putObject("version").put("version", EdgeVersion.VERSION).put("build", "brink");
        r.put("lastDesiredVersion", lastDesiredVersion);
        r.putObject("lastDesiredStatus").put("code", status.code()).put("description", status.description());
        ObjectNode runtime = r.putObject("runtime");
        runtime.put("type", runtimeKind);
        ObjectNode settings = runtime.putObject("settings");
        if (deployment != null && deployment.runtime().minDockerVersion() != null) {
            settings.put("minDockerVersion", deployment.runtime().minDockerVersion());
        }
        runtime.putObject("platform").put("os", System.getProperty("os.name").toLowerCase())
                .put("architecture", System.getProperty("os.arch")).put("version", EdgeVersion.VERSION);
        ObjectNode agent = r.putObject("systemModules").putObject("edgeAgent");
        agent.put("type", runtimeKind).put("runtimeStatus", "running").put("exitCode", 0)
                .put("statusDescription", "").put("lastStartTimeUtc", agentStartTime.toString())
                .put("lastExitTimeUtc", UNSET_TIME);
        ModuleDefinition agentDef = deployment == null ? null : deployment.systemModules().get("edgeAgent");
        if (agentDef != null) {
            agent.putObject("settings").put("image", agentDef.settings().image());
        }
        ObjectNode modules = r.putObject("modules");
        for (ModuleInstance m : instances) {
            if (m.state() != InstanceState.REMOVED) {
                modules.set(m.name(), module(m, restarts.stats(m.name())));
            }
        }
        return r;
    }

    private static ObjectNode module(ModuleInstance m, RestartPolicyManager.Stats stats) {
        ModuleDefinition d = m.definition();
        ObjectNode n = Json.object();
        n.put("version", d.version()).put("type", d.type()).put("status", d.status().wireName())
                .put("restartPolicy", d.restartPolicy().wireName())
                .put("imagePullPolicy", d.imagePullPolicy().wireName()).put("startupOrder", d.startupOrder());
        ObjectNode settings = n.putObject("settings").put("image", d.settings().image());
        if (m.imageId() != null) {
            settings.put("imageHash", m.imageId());
        }
        n.put("runtimeStatus", m.state().runtimeStatus());
        if (m.exitCode() == null) {
            n.putNull("exitCode");
        } else {
            n.put("exitCode", m.exitCode());
        }
        n.put("statusDescription", m.statusDescription());
        n.put("lastStartTimeUtc", time(m.lastStartTime()));
        n.put("lastExitTimeUtc", time(m.lastExitTime()));
        n.put("restartCount", stats.restartCount());
        n.put("lastRestartTimeUtc", time(stats.lastRestartTime()));
        return n;
    }

    private static String time(Instant t) {
        return t == null ? UNSET_TIME : t.toString();
    }

    /**
     * A merge patch turning {@code old} into {@code now}: changed and new keys, {@code null} for keys gone.
     * Empty when nothing changed.
     */
    public static ObjectNode diff(JsonNode old, ObjectNode now) {
        ObjectNode patch = Json.object();
        ObjectNode before = old != null && old.isObject() ? (ObjectNode) old : Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode was = before.get(e.getKey());
            if (was != null && was.equals(e.getValue())) {
                continue;
            }
            if (was != null && was.isObject() && e.getValue().isObject()) {
                ObjectNode sub = diff(was, (ObjectNode) e.getValue());
                if (!sub.isEmpty()) {
                    patch.set(e.getKey(), sub);
                }
            } else {
                patch.set(e.getKey(), e.getValue());
            }
        }
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith("$") && !now.has(key)) {
                patch.set(key, NullNode.getInstance());
            }
        }
        return patch;
    }
}
