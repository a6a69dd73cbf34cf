package dev.brink.core.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's properties as one JSON text for a database column: {@code {"system":{"$.mid":..},"app":{..}}}. The
 * system properties keep their wire names, so {@link PropertyBag.Parsed} restores exactly what was sent; the body
 * (and any time the store stamps) lives in columns of its own. Used by every durable message store (the hub's C2D
 * queue, the edge hub's store and forward).
 */
public final class MessagePropertiesJson {
    private MessagePropertiesJson() {
    }

    public static String write(Message message) {
        ObjectNode json = Json.object();
        ObjectNode system = json.putObject("system");
        for (SystemProperty p : SystemProperty.values()) {
            String value = p.valueOf(message);
            if (value != null) {
                system.put(p.wireName(), value);
            }
        }
        ObjectNode app = json.putObject("app");
        message.properties().forEach(app::put);
        return Json.write(json);
    }

    /** A builder holding the properties of {@code propertiesJson}; the caller adds the body and stamped times. */
    public static Message.Builder read(String propertiesJson) {
        JsonNode json = Json.parse(propertiesJson);
        return new PropertyBag.Parsed(toMap(json.path("system")), toMap(json.path("app"))).toBuilder();
    }

    private static Map<String, String> toMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
