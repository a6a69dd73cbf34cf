package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.MethodRequest;
import dev.brink.client.MethodResponse;
import dev.brink.client.ModuleClient;
import dev.brink.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code $edgeAgent} direct methods (reference §7.1): {@code ping}, {@code RestartModule},
 * {@code GetModuleLogs} (tail, regex filter, gzip, capped at 127,000 bytes — the 128 KB method limit).
 * Names match case-insensitively; bad input is 400 with {@code {"message": ...}}.
 */
public final class AgentMethods {
    static final int MAX_PAYLOAD = 127_000;
    private final EdgeAgent agent;

    public AgentMethods(EdgeAgent agent) {
        this.agent = agent;
    }

    void register(ModuleClient client) {
        client.onDefaultMethod(this::handle);
    }

    MethodResponse handle(MethodRequest request) {
        try {
            return switch (request.methodName().toLowerCase(Locale.ROOT)) {
                case "ping" -> MethodResponse.ok(null);
                case "restartmodule" -> restart(request.payloadJson());
                case "getmodulelogs" -> logs(request.payloadJson());
                default -> error(400, "unknown method " + request.methodName()
                        + "; supported: ping, RestartModule, GetModuleLogs");
            };
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    private MethodResponse restart(JsonNode payload) {
        requireSchema(payload);
        String id = payload.path("id").asText("");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("RestartModule needs \"id\": the module name");
        }
        try {
            agent.restartModule(id).get(60, TimeUnit.SECONDS);
            return MethodResponse.ok(null);
        } catch (ExecutionException e) {
            return error(e.getCause() instanceof IllegalArgumentException ? 400 : 500, e.getCause().getMessage());
        } catch (TimeoutException e) {
            return error(500, "restart of " + id + " did not finish within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(500, "interrupted");
        }
    }

    private MethodResponse logs(JsonNode payload) {
        requireSchema(payload);
        boolean gzip = "gzip".equalsIgnoreCase(payload.path("encoding").asText("none"));
        boolean json = "json".equalsIgnoreCase(payload.path("contentType").asText("text"));
        ArrayNode result = Json.MAPPER.createArrayNode();
        int total = 0;
        for (JsonNode item : payload.path("items")) {
            Pattern id = Pattern.compile(item.path("id").asText(".*"));
            JsonNode filter = item.path("filter");
            int tail = filter.path("tail").asInt(0);
            Pattern regex = filter.hasNonNull("regex") ? Pattern.compile(filter.path("regex").asText()) : null;
            for (String module : agent.moduleNames()) {
                if (!id.matcher(module).matches()) {
                    continue;
                }
                List<String> lines = agent.logs(module, tail).stream()
                        .filter(l -> regex == null || regex.matcher(l).find()).toList();
                String text = json ? Json.write(lines) : String.join("\n", lines);
                ObjectNode entry = result.addObject().put("id", module);
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (gzip) {
                    bytes = gzip(bytes);
                    entry.put("payloadBytes", Base64.getEncoder().encodeToString(bytes));
                } else {
                    entry.put("payload", text);
                }
                total += bytes.length;
            }
        }
        if (total > MAX_PAYLOAD) {
            return error(400, "the logs are " + total + " bytes, more than the " + MAX_PAYLOAD
                    + " a direct method can return; use a smaller tail or a filter");
        }
        return MethodResponse.ok(result);
    }

    private static void requireSchema(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("the payload must be a JSON object with schemaVersion \"1.0\"");
        }
        String v = payload.path("schemaVersion").asText("1.0");
        if (!v.startsWith("1.") && !v.equals("1")) {
            throw new IllegalArgumentException("schemaVersion " + v + " is not supported (major version must be 1)");
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static MethodResponse error(int status, String message) {
        return MethodResponse.of(status, Json.object().put("message", message));
    }
}
