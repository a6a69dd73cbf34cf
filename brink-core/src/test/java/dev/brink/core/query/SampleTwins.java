package dev.brink.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.util.List;

/** Service-side twin documents shaped like IoT Hub's (§3.1 of the protocol reference). */
final class SampleTwins {
    private SampleTwins() {
    }

    static JsonNode twin(String deviceId, String tagsJson, String reportedJson) {
        return Json.parse("""
                {"deviceId":"%s","etag":"AAAAAAAAAAc=","status":"enabled","connectionState":"Connected",
                 "lastActivityTime":"2024-01-01T00:00:00Z","version":5,"capabilities":{"iotEdge":false},
                 "tags":%s,
                 "properties":{"desired":{"interval":10,"$version":3},
                               "reported":%s}}
                """.formatted(deviceId, tagsJson, reportedJson));
    }

    static final JsonNode D1 = twin("d1", """
            {"location":{"region":"US","plant":"Redmond43"},"env":"prod","weight":10}""", """
            {"temp":21.5,"status":"ok","fw":{"version":"1.2.0"},"odd-key":"yes","list":[1,2,3],"$version":4}""");
    static final JsonNode D2 = twin("d2", """
            {"location":{"region":"US","plant":"Seattle"},"env":"test","weight":20}""", """
            {"temp":30,"status":"error","fw":{"version":"1.3.0"},"$version":2}""");
    static final JsonNode D3 = twin("d3", """
            {"location":{"region":"EU"},"env":"prod","weight":"heavy"}""", """
            {"$version":1}""");

    static final List<JsonNode> ALL = List.of(D1, D2, D3);

    static JsonNode module(String deviceId, String moduleId, String reportedStatus) {
        return Json.parse("""
                {"deviceId":"%s","moduleId":"%s","status":"enabled","connectionState":"Disconnected","version":2,
                 "tags":{},"properties":{"desired":{"$version":1},"reported":{"status":"%s","$version":2}}}
                """.formatted(deviceId, moduleId, reportedStatus));
    }
}
