package dev.brink.client.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A small client for the hub's service REST API (the subset of IoT Hub's API the official service SDK uses):
 * registry, twins, query, configuration content and statistics. Results are the hub's JSON as-is, so callers
 * (the CLI, tests, tools) see exactly what the hub said. Thread-safe; one instance can be shared.
 */
public final class HubServiceClient {
    /** Page size used when the caller does not choose one (the official SDK's default). */
    public static final int DEFAULT_PAGE_SIZE = 50;

    private final ServiceHttp http;

    HubServiceClient(ServiceEndpoint endpoint, SSLContext sslContext, Clock clock) {
        this.http = new ServiceHttp(endpoint, sslContext, clock);
    }

    /**
     * @param connectionString {@code HostName=host[:port];SharedAccessKeyName=..;SharedAccessKey=..}
     * @param caPem PEM CA certificate(s) to trust exclusively, or null for the JVM's default trust store
     */
    public static HubServiceClient create(String connectionString, String caPem) {
        return new HubServiceClient(ServiceEndpoint.parse(connectionString),
                caPem == null ? null : PemTrust.fromPem(caPem), Clock.systemUTC());
    }

    /** Like {@link #create(String, String)} with the CA read from a PEM file (null for the default trust). */
    public static HubServiceClient create(String connectionString, Path caPemFile) {
        return new HubServiceClient(ServiceEndpoint.parse(connectionString),
                caPemFile == null ? null : PemTrust.fromFile(caPemFile), Clock.systemUTC());
    }

    public ServiceEndpoint endpoint() {
        return http.endpoint();
    }

    // ---- devices

    /** Creates a device from a device JSON ({@code deviceId}, optional status, authentication, capabilities). */
    public JsonNode createDevice(JsonNode device) {
        String deviceId = requiredText(device, "deviceId");
        return http.send("PUT", devicePath(deviceId), null, device, null, null).body();
    }

    public JsonNode getDevice(String deviceId) {
        return get(devicePath(deviceId), null);
    }

    /** Lists up to {@code top} devices (the hub's own limit applies when {@code top} is null). */
    public JsonNode listDevices(Integer top) {
        return get("/devices", top == null ? null : "top=" + top);
    }

    /** Replaces a device; {@code etag} null means unconditional ({@code If-Match: *}). */
    public JsonNode updateDevice(JsonNode device, String etag) {
        String deviceId = requiredText(device, "deviceId");
        return http.send("PUT", devicePath(deviceId), null, device, ifMatch(etag), null).body();
    }

    public void deleteDevice(String deviceId, String etag) {
        http.send("DELETE", devicePath(deviceId), null, null, ifMatch(etag), null);
    }

    // ---- modules

    /** Creates a module; {@code module} may be null or carry authentication / managedBy. */
    public JsonNode createModule(String deviceId, String moduleId, JsonNode module) {
        ObjectNode body = module == null ? Json.object() : ((ObjectNode) module).deepCopy();
        body.put("deviceId", deviceId).put("moduleId", moduleId);
        return http.send("PUT", modulePath(deviceId, moduleId), null, body, null, null).body();
    }

    public JsonNode getModule(String deviceId, String moduleId) {
        return get(modulePath(deviceId, moduleId), null);
    }

    public JsonNode listModules(String deviceId) {
        return get(devicePath(deviceId) + "/modules", null);
    }

    public void deleteModule(String deviceId, String moduleId, String etag) {
        http.send("DELETE", modulePath(deviceId, moduleId), null, null, ifMatch(etag), null);
    }

    // ---- twins

    /** The device twin, or the module twin when {@code moduleId} is not null. */
    public JsonNode getTwin(String deviceId, String moduleId) {
        return get(twinPath(deviceId, moduleId), null);
    }

    /**
     * Applies {@code {"tags":{..},"properties":{"desired":{..}}}} as a JSON merge patch and returns the new twin.
     *
     * @param etag the twin etag the patch is conditional on, or null for unconditional
     */
    public JsonNode patchTwin(String deviceId, String moduleId, JsonNode patch, String etag) {
        return http.send("PATCH", twinPath(deviceId, moduleId), null, patch, ifMatchOrNone(etag), null).body();
    }

    // ---- query

    /** Runs a query and follows {@code x-ms-continuation} until the last page; returns all rows. */
    public ArrayNode query(String sql, int pageSize) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        String continuation = null;
        do {
            QueryPage page = queryPage(sql, pageSize, continuation);
            all.addAll(page.items());
            continuation = page.continuation();
        } while (continuation != null);
        return all;
    }

    /** Fetches one page; pass the previous page's continuation to get the next one. */
    public QueryPage queryPage(String sql, int pageSize, String continuation) {
        if (pageSize < 1) {
            throw BrinkException.invalid("page size must be at least 1, got " + pageSize);
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("x-ms-max-item-count", Integer.toString(pageSize));
        if (continuation != null) {
            headers.put("x-ms-continuation", continuation);
        }
        ObjectNode body = Json.object().put("query", sql);
        ServiceHttp.Response response = http.send("POST", "/devices/query", null, body, headers, null);
        if (!response.body().isArray()) {
            throw new BrinkException(ErrorCode.ServerError, "the hub answered a query with "
                    + response.body().getNodeType().name().toLowerCase() + " instead of a JSON array");
        }
        String next = response.header("x-ms-continuation");
        return new QueryPage((ArrayNode) response.body(), next == null || next.isEmpty() ? null : next);
    }

    // ---- configurations and statistics

    /**
     * Applies configuration content (e.g. an edge deployment's {@code modulesContent}) to one device. Returns
     * the hub's response body, usually empty ({@code NullNode}).
     */
    public JsonNode applyConfigurationContent(String deviceId, JsonNode content) {
        return http.send("POST", devicePath(deviceId) + "/applyConfigurationContent", null, content, null, null)
                .body();
    }

    /** {@code {"totalDeviceCount":..,"enabledDeviceCount":..,"disabledDeviceCount":..}}. */
    public JsonNode statistics() {
        return get("/statistics/devices", null);
    }

    // ---- direct methods, cloud-to-device messages, events

    /**
     * Invokes a direct method and waits for the device's answer. Returns {@code {"status":..,"payload":..}}.
     *
     * @param moduleId null for the device itself
     * @param payload any JSON, or null
     * @param responseTimeoutSeconds 5..300: how long the device may take to answer (504101 after that)
     * @param connectTimeoutSeconds 0..300: how long to wait for the device to come online (404103 after that)
     */
    public JsonNode invokeMethod(String deviceId, String moduleId, String methodName, JsonNode payload,
            int responseTimeoutSeconds, int connectTimeoutSeconds) {
        ObjectNode body = Json.object().put("methodName", methodName)
                .put("responseTimeoutInSeconds", responseTimeoutSeconds)
                .put("connectTimeoutInSeconds", connectTimeoutSeconds);
        if (payload != null) {
            body.set("payload", payload);
        }
        java.time.Duration wait = java.time.Duration.ofSeconds(responseTimeoutSeconds + connectTimeoutSeconds + 30L);
        return http.send("POST", twinPath(deviceId, moduleId) + "/methods", null, body, null, wait).body();
    }

    /**
     * Queues a cloud-to-device message for a device ({@code POST /devices/{d}/messages/deviceBound}, Brink's
     * HTTPS route). Returns {@code {"messageId","correlationId","to","enqueuedTimeUtc","expiryTimeUtc"}}.
     */
    public JsonNode sendCloudToDevice(String deviceId, CloudToDeviceMessage message) {
        var response = http.sendRaw("POST", devicePath(deviceId) + "/messages/deviceBound", null, message.body(),
                message.headers(), null);
        try (java.io.InputStream in = response.body()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? Json.object() : Json.parse(bytes);
        } catch (java.io.IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "reading the hub's answer failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Opens the device-to-cloud events stream ({@code GET /messages/events}). The caller reads it with
     * {@link EventStream#next()} and closes it.
     */
    public EventStream streamEvents(EventQuery query) {
        var response = http.sendRaw("GET", "/messages/events", query.queryString(), null,
                Map.of("Accept", "application/x-ndjson"), null);
        return new EventStream(response.body());
    }

    private JsonNode get(String path, String query) {
        return http.send("GET", path, query, null, null, null).body();
    }

    static String devicePath(String deviceId) {
        return "/devices/" + segment(deviceId);
    }

    static String modulePath(String deviceId, String moduleId) {
        return devicePath(deviceId) + "/modules/" + segment(moduleId);
    }

    static String twinPath(String deviceId, String moduleId) {
        String path = "/twins/" + segment(deviceId);
        return moduleId == null ? path : path + "/modules/" + segment(moduleId);
    }

    /**
     * Escapes an id for use as one path segment. Ids may contain {@code # ? %} which would end or corrupt the
     * path; the other allowed characters ({@code $}, {@code :}, {@code @} …) are legal in a path and stay as
     * they are, so {@code $edgeAgent} reads naturally in logs.
     */
    static String segment(String id) {
        if (id == null || id.isEmpty()) {
            throw BrinkException.invalid("an id is required");
        }
        StringBuilder sb = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw BrinkException.invalid("'" + field + "' is required");
        }
        return value.asText();
    }

    private static Map<String, String> ifMatch(String etag) {
        return Map.of("If-Match", etag == null ? "*" : quote(etag));
    }

    private static Map<String, String> ifMatchOrNone(String etag) {
        return etag == null ? null : Map.of("If-Match", quote(etag));
    }

    private static String quote(String etag) {
        return etag.equals("*") || etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }
}
