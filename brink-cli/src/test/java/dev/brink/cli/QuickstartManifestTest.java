package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.deployment.DeploymentParser;
import dev.brink.core.deployment.EdgeDeployment;
import dev.brink.core.json.Json;
import dev.brink.core.route.EdgeHubDesired;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/examples/quickstart-manifest.json (process) and its docker twin are valid for the edge agent and the
 * edge hub's route parser, and differ only in what docs/deployment-manifest.md says: the runtime/module
 * {@code type} and each module's {@code settings.image}.
 */
class QuickstartManifestTest {
    private static final Path DOCS = Path.of("").toAbsolutePath().getParent().resolve("docs/examples");

    @Test
    void bothFormsAreValidAndDifferOnlyInTypeAndImage() throws Exception {
        ObjectNode process = Json.parseObject(Files.readString(DOCS.resolve("quickstart-manifest.json")));
        ObjectNode docker = Json.parseObject(Files.readString(DOCS.resolve("quickstart-manifest.docker.json")));
        for (ObjectNode m : new ObjectNode[] {process, docker}) {
            EdgeDeployment d = DeploymentParser.parse(m.at("/modulesContent/$edgeAgent/properties.desired"));
            assertThat(d.modules()).containsOnlyKeys("SimulatedTemperatureSensor", "filter");
            assertThat(EdgeHubDesired.parse(m.at("/modulesContent/$edgeHub/properties.desired")).routes()).hasSize(2);
        }
        assertThat(process.at("/modulesContent/$edgeAgent/properties.desired/modules/filter/settings/image").asText())
                .isEqualTo("modules/filter/target/filter.tar.gz");
        assertThat(normalize(process.deepCopy())).isEqualTo(normalize(docker.deepCopy()));
    }

    /** Blanks what may differ: every "type" and every module's settings.image. */
    private static JsonNode normalize(ObjectNode manifest) {
        ObjectNode agent = (ObjectNode) manifest.at("/modulesContent/$edgeAgent/properties.desired");
        ((ObjectNode) agent.get("runtime")).put("type", "*");
        for (String section : new String[] {"systemModules", "modules"}) {
            agent.get(section).forEach(m -> ((ObjectNode) m).put("type", "*"));
        }
        agent.get("modules").forEach(m -> ((ObjectNode) m.get("settings")).put("image", "*"));
        return manifest;
    }
}
