package dev.brink.core.deployment;

import static dev.brink.core.deployment.DeploymentParser.entries;
import static dev.brink.core.deployment.DeploymentParser.kind;
import static dev.brink.core.deployment.DeploymentParser.optionalText;
import static dev.brink.core.deployment.DeploymentParser.requireNonBlank;
import static dev.brink.core.deployment.DeploymentParser.requireObject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The module fields with their own small grammars: {@code env} and {@code settings} (chunked createOptions). */
final class ManifestFields {
    private ManifestFields() {
    }

    /** {@code "NAME": {"value": "text"}}; numbers and booleans become their text, like the reference. */
    static Map<String, String> env(JsonNode node, String path) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(node, path)) {
            String p = path + "." + e.getKey();
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0) {
                throw DeploymentException.format(p, "is not a valid environment variable name");
            }
            requireObject(e.getValue(), p);
            JsonNode value = e.getValue().get("value");
            if (value == null || value.isNull()) {
                env.put(e.getKey(), "");
            } else if (value.isValueNode()) {
                env.put(e.getKey(), value.asText());
            } else {
                throw DeploymentException.format(p + ".value", "must be a string, not " + kind(value));
            }
        }
        return env;
    }

    static ModuleSettings settings(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw DeploymentException.format(path + ".image", "is required");
        }
        requireObject(node, path);
        String image = requireNonBlank(node.get("image"), path + ".image");
        return new ModuleSettings(image, createOptions(node, path));
    }

    /**
     * Joins {@code createOptions}, {@code createOptions01} … {@code createOptions99} in order (the twin's
     * per-value size limit is why they are split) and checks that the result is a JSON object.
     */
    static String createOptions(JsonNode settings, String path) {
        TreeMap<Integer, String> chunks = new TreeMap<>();
        for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith("createOptions")) {
                continue;
            }
            String suffix = key.substring("createOptions".length());
            if (!suffix.isEmpty() && (!suffix.matches("\\d\\d") || suffix.equals("00"))) {
                throw DeploymentException.format(path + "." + key,
                        "is not a createOptions chunk (expected createOptions01 to createOptions99)");
            }
            int index = suffix.isEmpty() ? 0 : Integer.parseInt(suffix);
            JsonNode value = settings.get(key);
            String text = value.isObject() ? Json.write(value) : optionalText(value, path + "." + key);
            if (text != null) {
                chunks.put(index, text);
            }
        }
        if (chunks.isEmpty()) {
            return null;
        }
        int expected = 0;
        StringBuilder joined = new StringBuilder();
        for (Map.Entry<Integer, String> chunk : chunks.entrySet()) {
            if (chunk.getKey() != expected) {
                throw DeploymentException.format(path + ".createOptions" + (expected == 0 ? "" : String.format("%02d", expected)),
                        "is missing: createOptions chunks must be contiguous, starting with createOptions");
            }
            joined.append(chunk.getValue());
            expected++;
        }
        String text = joined.toString();
        if (text.isBlank()) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(text);
        } catch (RuntimeException e) {
            throw DeploymentException.format(path + ".createOptions", "is not valid JSON: " + e.getMessage());
        }
        if (!parsed.isObject()) {
            throw DeploymentException.format(path + ".createOptions", "must be a JSON object, not " + kind(parsed));
        }
        return text;
    }
}
