package dev.brink.edge.runtime.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code brink-module.json}, the manifest at the root of a .tar.gz/.zip module package (see
 * docs/module-packages.md): {@code {"entrypoint": ["bin/run.sh", "--flag"], "env": {"K": "v"}}}.
 * Unknown keys are refused (a typo such as {@code entryPoint} should not silently do nothing), except keys
 * starting with {@code x-}, which are left for tools.
 */
record PackageManifest(List<String> entrypoint, Map<String, String> env, String description) {
    static final String FILE_NAME = "brink-module.json";
    private static final Set<String> KEYS = Set.of("entrypoint", "env", "description");

    PackageManifest {
        entrypoint = List.copyOf(entrypoint);
        env = Map.copyOf(env);
    }

    static PackageManifest read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw BrinkException.invalid("cannot read the package manifest " + FILE_NAME + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = Json.parse(bytes);
        } catch (BrinkException e) {
            throw BrinkException.invalid(FILE_NAME + " is not valid JSON: " + e.getMessage());
        }
        return parse(root);
    }

    static PackageManifest parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw BrinkException.invalid(FILE_NAME + " must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key) && !key.startsWith("x-")) {
                throw BrinkException.invalid(FILE_NAME + ": unknown key '" + key + "' (known: entrypoint, env, "
                        + "description, x-*)");
            }
        }
        JsonNode description = root.get("description");
        return new PackageManifest(entrypoint(root.get("entrypoint")), env(root.get("env")),
                description != null && description.isTextual() ? description.asText() : null);
    }

    private static List<String> entrypoint(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw BrinkException.invalid(FILE_NAME + ": 'entrypoint' must be a non-empty array of strings, "
                    + "e.g. [\"bin/run.sh\"] or [\"java\", \"-jar\", \"app.jar\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                throw BrinkException.invalid(FILE_NAME + ": 'entrypoint' items must be non-empty strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Map<String, String> env(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw BrinkException.invalid(FILE_NAME + ": 'env' must be an object of string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull() || e.getKey().isEmpty()
                    || e.getKey().contains("=")) {
                throw BrinkException.invalid(FILE_NAME + ": env '" + e.getKey() + "' must be a name without '=' "
                        + "with a string, number or boolean value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
