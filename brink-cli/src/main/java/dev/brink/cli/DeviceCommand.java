package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.client.service.HubServiceException;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub device create|list|show|delete}: device identities in the hub's registry. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Manage device identities.")
final class DeviceCommand implements Runnable {
    enum Status { enabled, disabled }

    static final String SCOPE_PREFIX = "ms-azure-iot-edge://";

    @Spec
    CommandSpec spec;

    /** Both keys or neither: the hub generates keys that are not given. */
    static final class Keys {
        @Option(names = "--primary-key", required = true, paramLabel = "KEY", description = "Base64 primary key.")
        String primary;
        @Option(names = "--secondary-key", required = true, paramLabel = "KEY", description = "Base64 secondary key.")
        String secondary;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a device command is required");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a device identity.")
    int create(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Option(names = "--edge", description = "An IoT Edge device (gets $edgeAgent and $edgeHub modules).")
            boolean edge,
            @Option(names = "--status", defaultValue = "enabled", paramLabel = "STATUS",
                    description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).") Status status,
            @Option(names = "--parent", paramLabel = "EDGE",
                    description = "The parent edge device: this device becomes a child in its scope.") String parent,
            @ArgGroup(exclusive = false) Keys keys,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        ObjectNode device = Json.object().put("deviceId", deviceId).put("status", status.name());
        device.putObject("capabilities").put("iotEdge", edge);
        if (keys != null) {
            ObjectNode auth = device.putObject("authentication").put("type", "sas");
            auth.putObject("symmetricKey").put("primaryKey", keys.primary).put("secondaryKey", keys.secondary);
        }
        HubServiceClient client = hub.connect();
        if (parent != null) {
            device.putArray("parentScopes").add(edgeScope(client, parent));
        }
        JsonNode created = client.createDevice(device);
        print(client, created, output);
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List device identities.")
    int list(@Option(names = "--top", paramLabel = "N", description = "At most N devices.") Integer top,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        JsonNode devices = hub.connect().listDevices(top);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, devices);
            return 0;
        }
        Table table = Table.of("ID", "STATUS", "EDGE", "PARENT", "CONNECTION", "LAST ACTIVITY");
        for (JsonNode d : devices) {
            String parent = parentId(d);
            table.row(d.path("deviceId").asText(), d.path("status").asText(null), yesNo(isEdge(d)),
                    parent == null ? "-" : parent,
                    d.path("connectionState").asText(null), Identities.time(d.path("lastActivityTime")));
        }
        table.print(out);
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device identity.")
    int show(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        HubServiceClient client = hub.connect();
        print(client, client.getDevice(deviceId), output);
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a device identity and its modules.")
    int delete(@Parameters(paramLabel = "DEVICE", description = "Device id.") String deviceId,
            @Option(names = "--etag", paramLabel = "ETAG", description = "Only if the device still has this etag.")
            String etag,
            @Mixin HubOptions hub, @Mixin OutputOptions output) {
        hub.connect().deleteDevice(deviceId, etag);
        if (!output.json()) {
            spec.commandLine().getOut().println("Deleted device " + deviceId);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private void print(HubServiceClient client, JsonNode device, OutputOptions output) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, device);
            return;
        }
        List<String> modules = new ArrayList<>();
        for (JsonNode m : client.listModules(device.path("deviceId").asText())) {
            modules.add(m.path("moduleId").asText());
        }
        List<String[]> rows = new ArrayList<>(List.of(
                new String[] {"Device ID", device.path("deviceId").asText()},
                new String[] {"Status", device.path("status").asText(null)},
                new String[] {"Edge", yesNo(isEdge(device))},
                new String[] {"Parent", parentId(device) == null ? "(none)" : parentId(device)},
                new String[] {"Connection", device.path("connectionState").asText(null)},
                new String[] {"Last activity", Identities.time(device.path("lastActivityTime"))},
                new String[] {"Modules", modules.isEmpty() ? "(none)" : String.join(", ", modules)}));
        rows.addAll(Identities.credentialRows(device));
        Table.details(out, rows.toArray(String[][]::new));
    }

    /**
     * The device scope of edge device {@code edgeId}, which a child lists in {@code parentScopes}. Resolved here so
     * that a wrong name fails with a message about the parent rather than about a scope string.
     */
    static String edgeScope(HubServiceClient client, String edgeId) {
        JsonNode edge;
        try {
            edge = client.getDevice(edgeId);
        } catch (HubServiceException e) {
            if (e.httpStatus() == 404) {
                throw new HubServiceException(404, e.hubErrorCode(), "parent edge device " + edgeId + " not found");
            }
            throw e;
        }
        String scope = edge.path("deviceScope").asText("");
        if (!isEdge(edge) || scope.isEmpty()) {
            throw BrinkException.invalid("device " + edgeId + " is not an edge device (create it with --edge); "
                    + "only edge devices can be parents");
        }
        return scope;
    }

    /** The parent's device id, from {@code parentScopes[0]} = {@code ms-azure-iot-edge://{id}-{generationId}}. */
    static String parentId(JsonNode device) {
        String scope = device.path("parentScopes").path(0).asText("");
        int dash = scope.lastIndexOf('-');
        if (!scope.startsWith(SCOPE_PREFIX) || dash <= SCOPE_PREFIX.length()) {
            return scope.isEmpty() ? null : scope;
        }
        return scope.substring(SCOPE_PREFIX.length(), dash);
    }

    static boolean isEdge(JsonNode device) {
        return device.path("capabilities").path("iotEdge").asBoolean(false);
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
