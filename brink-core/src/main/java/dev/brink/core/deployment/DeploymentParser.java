package dev.brink.core.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.Ids;
import dev.brink.core.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates the {@code $edgeAgent} desired properties (reference §1.2) into an {@link EdgeDeployment}.
 * Every refusal is a {@link DeploymentException} with the status code of reference §2.1:
 * <ul>
 *   <li>417 ConfigEmptyError — the desired properties hold nothing but {@code $}-metadata;</li>
 *   <li>412 InvalidSchemaVersion — {@code schemaVersion} missing, malformed, or not 1.0/1.1;</li>
 *   <li>400 ConfigFormatError — anything else malformed or invalid, naming the field path.</li>
 * </ul>
 * Unknown keys are ignored (forward compatibility), {@code $}-keys ({@code $version}, {@code $metadata}) too.
 */
public final class DeploymentParser {
    public static final String MAX_SCHEMA_VERSION = "1.1";
    static final Set<String> TYPES = Set.of("docker", "process");
    static final Set<String> SYSTEM_MODULES = Set.of("edgeAgent", "edgeHub");
    static final int MAX_CREATE_OPTION_CHUNKS = 100;

    private DeploymentParser() {
    }

    /** Parses {@code $edgeAgent} desired properties as JSON text (malformed JSON → 400). */
    public static EdgeDeployment parse(String json) {
        JsonNode node;
        try {
            node = Json.parse(json);
        } catch (RuntimeException e) {
            throw new DeploymentException(DeploymentStatus.CONFIG_FORMAT_ERROR, e.getMessage());
        }
        return parse(node);
    }

    public static EdgeDeployment parse(JsonNode desired) {
        if (desired == null || desired.isNull() || desired.isMissingNode() || !hasContent(desired)) {
            if (desired != null && !desired.isNull() && !desired.isMissingNode() && !desired.isObject()) {
                throw DeploymentException.format("the desired properties", "must be a JSON object");
            }
            throw new DeploymentException(DeploymentStatus.CONFIG_EMPTY_ERROR,
                    "the $edgeAgent desired properties are empty: no deployment has been applied to this device");
        }
        if (!desired.isObject()) {
            throw DeploymentException.format("the desired properties", "must be a JSON object");
        }
        String schemaVersion = requireSchemaVersion(desired.get("schemaVersion"));
        RuntimeConfig runtime = parseRuntime(desired.get("runtime"));
        Map<String, ModuleDefinition> system = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(desired.get("systemModules"), "systemModules")) {
            if (!SYSTEM_MODULES.contains(e.getKey())) {
                throw DeploymentException.format("systemModules." + e.getKey(),
                        "is not a system module (only edgeAgent and edgeHub are)");
            }
            system.put(e.getKey(), parseModule("systemModules." + e.getKey(), e.getKey(), e.getValue(), true));
        }
        Map<String, ModuleDefinition> modules = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(desired.get("modules"), "modules")) {
            requireModuleName(e.getKey());
            modules.put(e.getKey(), parseModule("modules." + e.getKey(), e.getKey(), e.getValue(), false));
        }
        return new EdgeDeployment(schemaVersion, runtime, system, modules);
    }

    private static boolean hasContent(JsonNode desired) {
        if (!desired.isObject()) {
            return true;
        }
        for (Iterator<String> it = desired.fieldNames(); it.hasNext(); ) {
            if (!it.next().startsWith("$")) {
                return true;
            }
        }
        return false;
    }

    static String requireSchemaVersion(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new DeploymentException(DeploymentStatus.INVALID_SCHEMA_VERSION,
                    "schemaVersion is missing; supported: 1.0 to " + MAX_SCHEMA_VERSION);
        }
        String text = node.isTextual() ? node.asText().trim() : node.toString();
        String[] parts = text.split("\\.", -1);
        boolean ok = node.isTextual() && parts.length >= 1 && parts.length <= 3;
        int major = -1;
        int minor = 0;
        for (int i = 0; ok && i < parts.length; i++) {
            ok = parts[i].matches("\\d{1,4}");
            if (ok && i == 0) {
                major = Integer.parseInt(parts[i]);
            } else if (ok && i == 1) {
                minor = Integer.parseInt(parts[i]);
            } else if (ok && i == 2 && Integer.parseInt(parts[i]) != 0 && minor >= 1) {
                ok = false; // 1.1.x with x > 0 is newer than what we know
            }
        }
        if (!ok || major != 1 || minor > 1) {
            throw new DeploymentException(DeploymentStatus.INVALID_SCHEMA_VERSION, "schemaVersion \"" + text
                    + "\" is not supported; supported: 1.0 to " + MAX_SCHEMA_VERSION);
        }
        return text;
    }

    private static RuntimeConfig parseRuntime(JsonNode runtime) {
        if (runtime == null || runtime.isNull()) {
            throw DeploymentException.format("runtime", "is required");
        }
        requireObject(runtime, "runtime");
        String type = requireType(runtime.get("type"), "runtime.type");
        JsonNode settings = runtime.get("settings");
        if (settings == null || settings.isNull()) {
            return new RuntimeConfig(type, null, null, Map.of());
        }
        requireObject(settings, "runtime.settings");
        Map<String, RegistryCredential> creds = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(settings.get("registryCredentials"),
                "runtime.settings.registryCredentials")) {
            String path = "runtime.settings.registryCredentials." + e.getKey();
            requireObject(e.getValue(), path);
            creds.put(e.getKey(), new RegistryCredential(
                    requireNonBlank(e.getValue().get("address"), path + ".address"),
                    requireNonBlank(e.getValue().get("username"), path + ".username"),
                    requireNonBlank(e.getValue().get("password"), path + ".password")));
        }
        return new RuntimeConfig(type, optionalText(settings.get("minDockerVersion"),
                "runtime.settings.minDockerVersion"), optionalText(settings.get("loggingOptions"),
                "runtime.settings.loggingOptions"), creds);
    }

    private static ModuleDefinition parseModule(String path, String name, JsonNode m, boolean system) {
        requireObject(m, path);
        String type = requireType(m.get("type"), path + ".type");
        boolean agent = system && name.equals("edgeAgent");
        JsonNode statusNode = m.get("status");
        DesiredStatus status;
        if (agent || (system && statusNode == null)) {
            status = DesiredStatus.RUNNING;
        } else if (statusNode == null || statusNode.isNull()) {
            throw DeploymentException.format(path + ".status", "is required (\"running\" or \"stopped\")");
        } else {
            status = DesiredStatus.parse(path + ".status", requireText(statusNode, path + ".status"));
        }
        String restart = optionalText(m.get("restartPolicy"), path + ".restartPolicy");
        String pull = optionalText(m.get("imagePullPolicy"), path + ".imagePullPolicy");
        return new ModuleDefinition(name, optionalText(m.get("version"), path + ".version"), type, status,
                restart == null ? null : RestartPolicy.parse(path + ".restartPolicy", restart),
                pull == null ? null : ImagePullPolicy.parse(path + ".imagePullPolicy", pull),
                startupOrder(m.get("startupOrder"), path + ".startupOrder"),
                ManifestFields.env(m.get("env"), path + ".env"),
                ManifestFields.settings(m.get("settings"), path + ".settings"));
    }

    private static long startupOrder(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return ModuleDefinition.DEFAULT_STARTUP_ORDER;
        }
        if (!node.isIntegralNumber() || node.asLong() < 0 || node.asLong() > ModuleDefinition.DEFAULT_STARTUP_ORDER
                || !node.canConvertToLong()) {
            throw DeploymentException.format(path, "must be an integer from 0 to 4294967295, not " + node);
        }
        return node.asLong();
    }

    private static void requireModuleName(String name) {
        if (!Ids.isValidId(name)) {
            try {
                Ids.requireValidModuleId(name);
            } catch (RuntimeException e) {
                throw DeploymentException.format("modules." + name, "has an invalid name: " + e.getMessage());
            }
        }
        if (name.startsWith("$")) {
            throw DeploymentException.format("modules." + name,
                    "has an invalid name: names starting with '$' are reserved for system modules");
        }
    }

    private static String requireType(JsonNode node, String path) {
        String type = requireText(node, path);
        if (!TYPES.contains(type)) {
            throw DeploymentException.format(path, "must be \"docker\" or \"process\", not \"" + type + "\"");
        }
        return type;
    }

    static Iterable<Map.Entry<String, JsonNode>> entries(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return java.util.List.of();
        }
        requireObject(node, path);
        return node::fields;
    }

    static void requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw DeploymentException.format(path, "must be a JSON object" + (node == null ? "" : ", not " + kind(node)));
        }
    }

    static String requireText(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw DeploymentException.format(path, "is required");
        }
        if (!node.isTextual()) {
            throw DeploymentException.format(path, "must be a string, not " + kind(node));
        }
        return node.asText();
    }

    static String requireNonBlank(JsonNode node, String path) {
        String text = requireText(node, path);
        if (text.isBlank()) {
            throw DeploymentException.format(path, "must not be blank");
        }
        return text;
    }

    static String optionalText(JsonNode node, String path) {
        return node == null || node.isNull() ? null : requireText(node, path);
    }

    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** For callers that hold the whole twin: the desired section of {@code twin} ({@code properties.desired}). */
    public static JsonNode desiredOf(ObjectNode twin) {
        JsonNode d = twin.path("properties").path("desired");
        return d.isMissingNode() ? twin : d;
    }
}
