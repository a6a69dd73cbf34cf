package dev.brink.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The manifest the demo deploys: docs/examples/quickstart-manifest.json as it is, with two changes. The module
 * images become absolute paths of the packages in the source tree (the manifest's relative ones assume the edge
 * runs from the repository root), and one route is added, {@value #AUDIT_ROUTE_NAME}: every reading of the sensor
 * also goes upstream. That second copy is the demo's audit trail — with it the hub sees every sequence number the
 * sensor used, so "none lost" and "the filter forwarded exactly the readings above the threshold" are checked
 * against what the sensor really sent, not against a counter kept at the edge.
 */
final class DemoManifest {
    static final String AUDIT_ROUTE_NAME = "sensorToUpstream";
    static final String AUDIT_ROUTE = "FROM /messages/modules/" + Ledger.SENSOR
            + "/outputs/temperatureOutput INTO $upstream";

    private final ObjectNode content;

    private DemoManifest(ObjectNode content) {
        this.content = content;
    }

    static DemoManifest of(DemoLayout layout) {
        ObjectNode content;
        try {
            content = Json.parseObject(Files.readString(layout.quickstartManifest()));
        } catch (IOException | RuntimeException e) {
            throw BrinkException.invalid("cannot read " + layout.quickstartManifest() + ": " + e.getMessage());
        }
        ObjectNode all = content.withObjectProperty("modulesContent");
        ObjectNode modules = all.withObjectProperty("$edgeAgent").withObjectProperty("properties.desired")
                .withObjectProperty("modules");
        modules.withObjectProperty(Ledger.SENSOR).withObjectProperty("settings")
                .put("image", layout.sensorPackage().toString());
        modules.withObjectProperty(Ledger.FILTER).withObjectProperty("settings")
                .put("image", layout.filterPackage().toString());
        all.withObjectProperty("$edgeHub").withObjectProperty("properties.desired").withObjectProperty("routes")
                .put(AUDIT_ROUTE_NAME, AUDIT_ROUTE);
        return new DemoManifest(content);
    }

    ObjectNode content() {
        return content;
    }

    /** The filter's threshold the manifest sets (the filter's default, 25, when it sets none). */
    double initialThreshold() {
        return content.path("modulesContent").path(Ledger.FILTER).path("properties.desired")
                .path("TemperatureThreshold").asDouble(25);
    }

    /** {@code name: FROM ... INTO ...} per route, for printing. */
    Iterable<String> routes() {
        var lines = new java.util.ArrayList<String>();
        content.path("modulesContent").path("$edgeHub").path("properties.desired").path("routes").fields()
                .forEachRemaining(f -> lines.add(f.getKey() + ": " + f.getValue().asText()));
        return lines;
    }
}
