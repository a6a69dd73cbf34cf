package dev.brink.core.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.brink.core.json.Json;
import dev.brink.core.message.Message;
import dev.brink.core.query.ValueResolver;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The values a route condition sees for one message. Create one per message and share it across all routes:
 * the JSON body is decoded at most once, and only if a condition reads {@code $body}. Not thread-safe.
 *
 * <ul>
 * <li>{@code $name} / {@code {$name}}: a system property (names case-insensitive, see {@link #SYSTEM}).
 *     An unknown {@code $name} falls back to the application property of that exact name; the braced form
 *     never does.</li>
 * <li>bare {@code name}: an application property (exact name first, then case-insensitive, because IoT Hub
 *     treats D2C property names case-insensitively). Values are strings.</li>
 * <li>{@code $body.path}: the JSON body, only when {@code contentType} is {@code application/json} and
 *     {@code contentEncoding} is utf-8, utf-16 or utf-32 (IoT Hub's rule); otherwise, or when the body is
 *     not valid JSON, undefined.</li>
 * </ul>
 */
public final class MessageValues implements ValueResolver {

    private static final Map<String, Function<Message, JsonNode>> SYSTEM = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        text("$messageId", Message::messageId);
        text("$correlationId", Message::correlationId);
        text("$userId", Message::userId);
        text("$to", Message::to);
        text("$contentType", Message::contentType);
        text("$contentEncoding", Message::contentEncoding);
        text("$outputName", Message::outputName);
        text("$inputName", Message::inputName);
        text("$connectionDeviceId", Message::connectionDeviceId);
        text("$connectionModuleId", Message::connectionModuleId);
        text("$messageSchema", Message::messageSchema);
        text("$componentName", Message::componentName);
        text("$interfaceId", Message::interfaceId);
        time("$creationTimeUtc", Message::creationTimeUtc);
        time("$expiryTimeUtc", Message::expiryTimeUtc);
        time("$absoluteExpiryTime", Message::expiryTimeUtc);
        time("$enqueuedTime", Message::enqueuedTime);
    }

    private static void text(String name, Function<Message, String> getter) {
        SYSTEM.put(name, m -> {
            String v = getter.apply(m);
            return v == null ? null : TextNode.valueOf(v);
        });
    }

    private static void time(String name, Function<Message, Instant> getter) {
        SYSTEM.put(name, m -> {
            Instant v = getter.apply(m);
            return v == null ? null : TextNode.valueOf(v.toString());
        });
    }

    private final Message message;
    private JsonNode body;
    private boolean bodyDecoded;

    public MessageValues(Message message) {
        this.message = message;
    }

    /** Whether {@code name} (with its {@code $}) is a system property routes can read. */
    public static boolean isSystemProperty(String name) {
        return SYSTEM.containsKey(name);
    }

    @Override
    public JsonNode resolve(List<String> path) {
        String head = path.get(0);
        if (head.startsWith("$")) {
            if (head.equalsIgnoreCase("$body")) {
                return walk(body(), path);
            }
            Function<Message, JsonNode> system = SYSTEM.get(head);
            if (system != null) {
                return path.size() == 1 ? system.apply(message) : null;
            }
        }
        return path.size() == 1 ? applicationProperty(head) : null;
    }

    @Override
    public JsonNode resolveSystemProperty(String name) {
        Function<Message, JsonNode> system = SYSTEM.get(name);
        return system == null ? null : system.apply(message);
    }

    private JsonNode applicationProperty(String name) {
        Map<String, String> properties = message.properties();
        String value = properties.get(name);
        if (value == null) {
            for (Map.Entry<String, String> e : properties.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    value = e.getValue();
                    break;
                }
            }
        }
        return value == null ? null : TextNode.valueOf(value);
    }

    /** The decoded JSON body, or null when the message is not JSON by IoT Hub's rule or does not parse. */
    public JsonNode body() {
        if (!bodyDecoded) {
            bodyDecoded = true;
            body = decodeBody(message);
        }
        return body;
    }

    private static JsonNode decodeBody(Message message) {
        Charset charset = jsonCharset(message.contentType(), message.contentEncoding());
        if (charset == null || message.bodyLength() == 0) {
            return null;
        }
        try {
            JsonNode node;
            if (charset == StandardCharsets.UTF_8) {
                node = Json.MAPPER.readTree(message.body()); // Jackson reads UTF-8 bytes (and a BOM) directly
            } else {
                String text = new String(message.body(), charset);
                node = Json.MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
            }
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The charset of a JSON body, or null when content type or encoding rule out body queries. */
    static Charset jsonCharset(String contentType, String contentEncoding) {
        if (contentType == null || contentEncoding == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (!mediaType.equalsIgnoreCase("application/json")) {
            return null;
        }
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "utf-8" -> StandardCharsets.UTF_8;
            case "utf-16" -> StandardCharsets.UTF_16;
            case "utf-32" -> Charset.forName("UTF-32");
            default -> null;
        };
    }

    private static JsonNode walk(JsonNode node, List<String> path) {
        for (int i = 1; i < path.size() && node != null; i++) {
            String segment = path.get(i);
            if (node.isObject()) {
                node = node.get(segment);
            } else if (node.isArray() && isIndex(segment)) {
                node = node.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        return node;
    }

    private static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (!Character.isDigit(segment.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
