package dev.brink.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code applyConfigurationContent} bodies for the edge hub's end-to-end tests: process modules + routes, and the
 * module packages they run.
 */
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

    /**
     * A process-module package {@code {dir}/{name}.tar.gz} whose entrypoint runs {@code main} on this test's class
     * path in a JVM of its own with {@code jvmFlags}, and {@code env} set.
     */
    static Path javaModulePackage(Path dir, String name, List<String> jvmFlags, Class<?> main,
            Map<String, String> env) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name + "-pkg"));
        ObjectNode manifest = Json.object();
        ArrayNode entrypoint = manifest.putArray("entrypoint").add("java");
        jvmFlags.forEach(entrypoint::add);
        entrypoint.add("-cp").add(System.getProperty("java.class.path")).add(main.getName());
        if (!env.isEmpty()) {
            ObjectNode envNode = manifest.putObject("env");
            new TreeMap<>(env).forEach(envNode::put);
        }
        Files.writeString(work.resolve("brink-module.json"), manifest.toString());
        Path tar = dir.resolve(name + ".tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tar.toString(), "-C", work.toString(), "brink-module.json")
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return tar;
    }
}
