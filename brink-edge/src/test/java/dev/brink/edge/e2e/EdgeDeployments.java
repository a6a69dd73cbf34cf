package dev.brink.edge.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.Map;
import java.util.TreeMap;

/** {@code applyConfigurationContent} bodies for the edge hub's end-to-end tests: process modules + routes. */
final class EdgeDeployments {
    private EdgeDeployments() {
    }

    /** {@code $edgeAgent} with {@code modules} (name → module) and {@code $edgeHub} with {@code routes}. */
    static ObjectNode content(Map<String, ObjectNode> modules, Map<String, String> routes) {
        ObjectNode content = Json.object();
        ObjectNode modulesContent = content.putObject("modulesContent");
        ObjectNode agent = modulesContent.putObject("$edgeAgent").putObject("properties.desired");
        agent.put("schemaVersion", "1.1");
        agent.putObject("runtime").put("type", "process").putObject("settings");
        agent.putObject("systemModules").putObject("edgeAgent").put("type", "process").putObject("settings")
                .put("image", "brink-edge");
        ObjectNode mods = agent.putObject("modules");
        new TreeMap<>(modules).forEach(mods::set);
        ObjectNode hub = modulesContent.putObject("$edgeHub").putObject("properties.desired");
        hub.put("schemaVersion", "1.1");
        ObjectNode routeNode = hub.putObject("routes");
        new TreeMap<>(routes).forEach(routeNode::put);
        hub.putObject("storeAndForwardConfiguration").put("timeToLiveSecs", 7200);
        return content;
    }
}
