package dev.brink.hub.configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.id.Ids;
import dev.brink.core.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated applyConfigurationContent body. Per target twin: an optional whole desired document
 * ({@code "properties.desired": {...}}) and member assignments ({@code "properties.desired.a.b": v}).
 *
 * @param device   what to write into the device twin, or null
 * @param modules  per module id, what to write into that module twin (in body order)
 */
record ConfigurationContent(DesiredContent device, Map<String, DesiredContent> modules) {

    static final String DESIRED = "properties.desired";

    /**
     * @param whole        the entire new desired properties, or null to start from the current ones
     * @param assignments  path (split on '.') to value, applied after {@code whole}
     */
    record DesiredContent(ObjectNode whole, List<Assignment> assignments) {
    }

    record Assignment(List<String> path, JsonNode value) {
    }

    static ConfigurationContent parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw BrinkException.invalid("the configuration content must be a JSON object");
        }
        JsonNode moduleContent = body.path("moduleContent");
        if (!isAbsent(moduleContent) && !(moduleContent.isObject() && moduleContent.isEmpty())) {
            throw BrinkException.invalid("moduleContent is not supported by applyConfigurationContent; "
                    + "use modulesContent");
        }
        DesiredContent device = null;
        JsonNode deviceContent = body.path("deviceContent");
        if (!isAbsent(deviceContent)) {
            device = parseTarget("deviceContent", deviceContent);
        }
        Map<String, DesiredContent> modules = new LinkedHashMap<>();
        JsonNode modulesContent = body.path("modulesContent");
        if (!isAbsent(modulesContent)) {
            if (!modulesContent.isObject()) {
                throw BrinkException.invalid("modulesContent must be an object of {moduleId: {\"" + DESIRED + "\": {...}}}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = modulesContent.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!Ids.isValidId(e.getKey())) {
                    throw BrinkException.invalid("modulesContent entry '" + e.getKey() + "' is not a valid module id");
                }
                modules.put(e.getKey(), parseTarget("modulesContent." + e.getKey(), e.getValue()));
            }
        }
        if (device == null && modules.isEmpty()) {
            throw BrinkException.invalid("the configuration content has neither modulesContent nor deviceContent");
        }
        return new ConfigurationContent(device, modules);
    }

    private static boolean isAbsent(JsonNode n) {
        return n.isMissingNode() || n.isNull();
    }

    private static DesiredContent parseTarget(String where, JsonNode target) {
        if (!target.isObject()) {
            throw BrinkException.invalid(where + " must be an object like {\"" + DESIRED + "\": {...}}");
        }
        ObjectNode whole = null;
        List<Assignment> assignments = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = target.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals(DESIRED)) {
                if (!e.getValue().isObject()) {
                    throw BrinkException.invalid(where + "." + DESIRED + " must be a JSON object");
                }
                whole = stripReadOnly((ObjectNode) e.getValue());
            } else if (key.startsWith(DESIRED + ".") && key.length() > DESIRED.length() + 1) {
                List<String> path = List.of(key.substring(DESIRED.length() + 1).split("\\.", -1));
                if (path.stream().anyMatch(p -> p.isEmpty() || p.startsWith("$"))) {
                    throw BrinkException.invalid(where + " has an invalid property path '" + key + "'");
                }
                assignments.add(new Assignment(path, e.getValue()));
            } else {
                throw BrinkException.invalid(where + " has an unsupported member '" + key + "' (expected '"
                        + DESIRED + "' or '" + DESIRED + ".<name>')");
            }
        }
        if (whole == null && assignments.isEmpty()) {
            throw BrinkException.invalid(where + " has no '" + DESIRED + "'");
        }
        return new DesiredContent(whole, assignments);
    }

    /** Deployment manifests may echo {@code $version}/{@code $metadata}; they are read-only. */
    private static ObjectNode stripReadOnly(ObjectNode desired) {
        ObjectNode copy = desired.deepCopy();
        copy.remove("$version");
        copy.remove("$metadata");
        return copy;
    }

    /** The desired document after applying this content to {@code current} (current's $-keys removed). */
    static ObjectNode resolve(DesiredContent content, ObjectNode currentDesired) {
        ObjectNode result = content.whole() != null ? content.whole().deepCopy() : stripReadOnly(currentDesired);
        for (Assignment a : content.assignments()) {
            ObjectNode parent = result;
            for (String name : a.path().subList(0, a.path().size() - 1)) {
                JsonNode child = parent.get(name);
                if (child == null || !child.isObject()) {
                    child = parent.putObject(name);
                }
                parent = (ObjectNode) child;
            }
            parent.set(a.path().get(a.path().size() - 1), a.value());
        }
        return result;
    }

    static ObjectNode emptyDesired() {
        return Json.object();
    }
}
