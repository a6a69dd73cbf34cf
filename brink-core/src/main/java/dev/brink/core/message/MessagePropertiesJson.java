package dev.brink.core.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's properties as one JSON text for a database column: {@code {"system":{"$.mid":..},"app":{..}}}. The
 * system properties keep their wire names, so {@link PropertyBag.Parsed} restores exactly what was sent; the body
 * (and any time the store stamps) lives in columns of its own. Used by every durable message store (the hub's C2D
 * queue, the edge hub's store and forward). Written and read with Jackson's streaming API: this runs once per
 * stored message and once per delivered one, and a tree of nodes per message showed up in the edge hub's profile.
 */
public final class MessagePropertiesJson {
    private MessagePropertiesJson() {
    }

    public static String write(Message message) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("system");
            for (SystemProperty p : SystemProperty.values()) {
                String value = p.valueOf(message);
                if (value != null) {
                    json.writeStringField(p.wireName(), value);
                }
            }
            json.writeEndObject();
            json.writeObjectFieldStart("app");
            for (Map.Entry<String, String> e : message.properties().entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write message properties", e);
        }
        return out.toString();
    }

    /** A builder holding the properties of {@code propertiesJson}; the caller adds the body and stamped times. */
    public static Message.Builder read(String propertiesJson) {
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> app = new LinkedHashMap<>();
        try (JsonParser json = Json.MAPPER.getFactory().createParser(propertiesJson)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, propertiesJson);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String section = json.currentName();
                JsonToken value = json.nextToken();
                Map<String, String> into = "system".equals(section) ? system : "app".equals(section) ? app : null;
                if (into == null || value != JsonToken.START_OBJECT) {
                    json.skipChildren(); // a section this version does not know
                    continue;
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String name = json.currentName();
                    json.nextToken();
                    if (json.currentToken().isStructStart()) {
                        json.skipChildren();
                    } else {
                        into.put(name, json.getValueAsString());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid stored message properties: " + e.getMessage(), e);
        }
        return new PropertyBag.Parsed(system, app).toBuilder();
    }

    private static void expect(JsonToken actual, JsonToken wanted, String text) {
        if (actual != wanted) {
            throw new IllegalArgumentException("invalid stored message properties (" + wanted + " expected): "
                    + text);
        }
    }
}
