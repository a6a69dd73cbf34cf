package dev.brink.edge.runtime.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.CreateContainerCmd;
import dev.brink.core.error.BrinkException;
import dev.brink.edge.runtime.ModuleSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ModuleSpec} into a container-create request. {@code createOptions} is the engine's own
 * container-create JSON, so it is read with docker-java's Jackson mapping straight into the
 * {@link CreateContainerCmd} (and its {@code HostConfig}, {@code ExposedPorts}, {@code NetworkingConfig},
 * ...) instead of being mapped field by field. Brink's own additions are made on the JSON tree before
 * that read (see {@code README.md} in this package for why).
 */
final class ContainerSpecs {

    /** Where the module's workload socket directory appears inside the container (the reference's default). */
    static final String WORKLOAD_DIR_IN_CONTAINER = "/var/run/iotedge";
    static final String WORKLOAD_SOCKET_NAME = "workload.sock";
    static final String WORKLOAD_URI_ENV = "IOTEDGE_WORKLOADURI";

    private final ObjectMapper mapper;
    private final String edgeDeviceId;

    /** @param dockerJavaMapper docker-java's own mapper (it knows the model's serializers); copied, not changed */
    ContainerSpecs(ObjectMapper dockerJavaMapper, String edgeDeviceId) {
        this.mapper = dockerJavaMapper.copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                // The Engine API accepts "Cmd": "x" and "Entrypoint": "x" as one-element lists.
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        this.edgeDeviceId = edgeDeviceId;
    }

    /**
     * Fills {@code cmd} for {@code spec}. Returns human-readable warnings about parts of createOptions that
     * were ignored or overridden (the caller logs them).
     */
    List<String> fill(CreateContainerCmd cmd, ModuleSpec spec, ImageReference image) {
        List<String> warnings = new ArrayList<>();
        ObjectNode options = parse(spec, warnings);
        ObjectNode hostConfig = options.withObjectProperty("HostConfig");
        stripEngineRestarts(hostConfig, warnings);
        WorkloadMount mount = WorkloadMount.of(spec.name(), spec.workloadSocket());
        if (mount != null) {
            ArrayNode binds = hostConfig.withArrayProperty("Binds");
            binds.add(mount.hostPath() + ":" + mount.containerPath());
        }
        read(cmd, options, spec.name(), warnings);

        cmd.withImage(image.canonical());
        cmd.withName(ContainerLabels.containerName(spec.name()));
        cmd.withEnv(mergeEnv(spec.env(), cmd.getEnv(), mount));
        Map<String, String> labels = new LinkedHashMap<>();
        if (cmd.getLabels() != null) {
            labels.putAll(cmd.getLabels());
        }
        labels.putAll(ContainerLabels.forModule(edgeDeviceId, spec.name(), spec.version()));
        cmd.withLabels(labels);
        return warnings;
    }

    private ObjectNode parse(ModuleSpec spec, List<String> warnings) {
        String json = spec.createOptions();
        if (json == null || json.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw BrinkException.invalid("createOptions of module '" + spec.name()
                    + "' is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw BrinkException.invalid("createOptions of module '" + spec.name()
                    + "' must be a JSON object (the engine's container-create body)");
        }
        ObjectNode copy = object.deepCopy();
        JsonNode hostConfig = copy.get("HostConfig");
        if (hostConfig != null && hostConfig.isNull()) {
            copy.remove("HostConfig");
        } else if (hostConfig != null && !hostConfig.isObject()) {
            throw BrinkException.invalid("createOptions.HostConfig of module '" + spec.name() + "' must be an object");
        } else if (hostConfig != null && hostConfig.has("Binds") && !hostConfig.get("Binds").isArray()
                && !hostConfig.get("Binds").isNull()) {
            throw BrinkException.invalid("createOptions.HostConfig.Binds of module '" + spec.name() + "' must be a list");
        }
        if (hostConfig instanceof ObjectNode h && h.path("Binds").isNull()) {
            h.remove("Binds");
        }
        return copy;
    }

    /** The agent owns restarts (policies, back-off, reported status); the engine must not restart or delete on its own. */
    private static void stripEngineRestarts(ObjectNode hostConfig, List<String> warnings) {
        JsonNode restart = hostConfig.get("RestartPolicy");
        if (restart != null && !restart.isNull()) {
            String name = restart.path("Name").asText("");
            if (!name.isEmpty() && !name.equals("no")) {
                warnings.add("HostConfig.RestartPolicy '" + name + "' ignored: the module's restartPolicy decides restarts");
            }
            hostConfig.remove("RestartPolicy");
        }
        if (hostConfig.path("AutoRemove").asBoolean(false)) {
            warnings.add("HostConfig.AutoRemove ignored: Brink needs the exited container for its exit code and logs");
            hostConfig.put("AutoRemove", false);
        }
    }

    private void read(CreateContainerCmd cmd, ObjectNode options, String module, List<String> warnings) {
        List<String> unknown = new ArrayList<>();
        try {
            mapper.readerForUpdating(cmd)
                    .withHandler(new UnknownTopLevelFields(cmd, unknown))
                    .readValue(options);
        } catch (IOException | IllegalArgumentException e) {
            throw BrinkException.invalid("createOptions of module '" + module
                    + "' does not fit the engine's container-create body: " + e.getMessage());
        }
        if (!unknown.isEmpty()) {
            warnings.add("createOptions fields not supported and ignored: " + String.join(", ", unknown));
        }
    }

    /**
     * The module's env first, then createOptions' {@code Env} entries (they win, as in the reference's
     * edged), then the in-container workload URI, which must win because the host path means nothing inside.
     */
    static List<String> mergeEnv(Map<String, String> moduleEnv, String[] createOptionsEnv, WorkloadMount mount) {
        Map<String, String> merged = new LinkedHashMap<>();
        moduleEnv.forEach((k, v) -> merged.put(k, k + "=" + v));
        if (createOptionsEnv != null) {
            for (String entry : createOptionsEnv) {
                int eq = entry.indexOf('=');
                merged.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        if (mount != null) {
            merged.put(WORKLOAD_URI_ENV, WORKLOAD_URI_ENV + "=" + mount.uriInContainer());
        }
        return List.copyOf(merged.values());
    }

    /**
     * How the workload socket reaches the container. When the socket sits in a directory of its own named
     * after the module (the WorkloadApi layout {@code socketDir/<module>/workload.sock}) the directory is
     * mounted, so a socket re-created by a restarted edge runtime is still seen by a running container;
     * otherwise only the socket file is mounted, never a directory that may hold other modules' sockets.
     */
    record WorkloadMount(String hostPath, String containerPath, String uriInContainer) {
        static WorkloadMount of(String module, Path socket) {
            if (socket == null) {
                return null;
            }
            Path absolute = socket.toAbsolutePath().normalize();
            Path dir = absolute.getParent();
            Path fileName = absolute.getFileName();
            if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals(module)) {
                String inside = WORKLOAD_DIR_IN_CONTAINER + "/" + fileName;
                return new WorkloadMount(dir.toString(), WORKLOAD_DIR_IN_CONTAINER, "unix://" + inside);
            }
            String inside = WORKLOAD_DIR_IN_CONTAINER + "/" + WORKLOAD_SOCKET_NAME;
            return new WorkloadMount(absolute.toString(), inside, "unix://" + inside);
        }
    }

    /** Collects unknown top-level createOptions fields (nested unknowns pass through docker-java's raw values). */
    private static final class UnknownTopLevelFields extends DeserializationProblemHandler {
        private final Object root;
        private final List<String> names;

        UnknownTopLevelFields(Object root, List<String> names) {
            this.root = root;
            this.names = names;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             JsonDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) throws IOException {
            if (beanOrClass == root) {
                names.add(propertyName);
            }
            p.skipChildren();
            return true;
        }
    }
}
