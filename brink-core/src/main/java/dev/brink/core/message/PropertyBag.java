package dev.brink.core.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code k=v&k=v} property bag at the end of telemetry, C2D and input topics (reference §2.2–2.4).
 *
 * <p><b>Parsing</b> (one rule for Java, Node and hand-written clients): strip one trailing {@code /}, strip a
 * leading {@code ?}, split on {@code &}, split each item at its first {@code =}, percent-decode key and value
 * with RFC 3986 rules (a {@code +} stays a {@code +}), drop a leading {@code ?} from keys. Keys that start
 * with {@code $.} after decoding (so {@code $.mid} and {@code %24.mid} alike) are system properties;
 * everything else is an application property. Empty items and empty keys are ignored; an item without
 * {@code =} is a property with an empty value; a repeated key keeps its first position and its last value.
 *
 * <p><b>Encoding for delivery</b> (hub/edgeHub → device/module): system properties first, with {@code $}
 * written as {@code %24}, then application properties; keys and values percent-encoded strictly so no raw
 * {@code / = & + %} or space remains; empty values are left out. These rules exist because the Java SDK
 * starts parsing at the first {@code %24}, splits with {@code split("=")} (an empty value throws) and uses
 * {@code URLDecoder}, and Node takes {@code topic.split('/')[4]}.
 */
public final class PropertyBag {
    private PropertyBag() {
    }

    /** A bag split into decoded system properties (keyed by wire name, e.g. {@code $.mid}) and the rest. */
    public record Parsed(Map<String, String> systemProperties, Map<String, String> applicationProperties) {
        public Parsed {
            systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
            applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(applicationProperties));
        }

        /**
         * A builder with the known system properties set. Unknown {@code $.x} keys, and time properties whose
         * value is not a date-time, are kept as application properties under their wire name, so nothing the
         * sender wrote is lost and re-encoding reproduces them.
         */
        public Message.Builder toBuilder() {
            Message.Builder b = Message.builder();
            systemProperties.forEach((key, value) -> {
                SystemProperty p = SystemProperty.byWireName(key);
                if (p == null) {
                    b.property(key, value);
                    return;
                }
                try {
                    p.apply(b, value);
                } catch (IllegalArgumentException badTime) {
                    b.property(key, value);
                }
            });
            applicationProperties.forEach(b::property);
            return b;
        }
    }

    /** The decoded pairs of a bag, in order; see the class comment for the rule. */
    public static Map<String, String> parsePairs(String bag) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (bag == null) {
            return pairs;
        }
        String s = bag;
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.startsWith("?")) {
            s = s.substring(1);
        }
        for (String item : s.split("&")) {
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = UriCoding.decode(eq < 0 ? item : item.substring(0, eq));
            String value = eq < 0 ? "" : UriCoding.decode(item.substring(eq + 1));
            while (key.startsWith("?")) {
                key = key.substring(1);
            }
            if (!key.isEmpty()) {
                pairs.put(key, value);
            }
        }
        return pairs;
    }

    /** Parses a bag and separates system from application properties. */
    public static Parsed parse(String bag) {
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> application = new LinkedHashMap<>();
        parsePairs(bag).forEach((k, v) -> (k.startsWith(SystemProperty.PREFIX) ? system : application).put(k, v));
        return new Parsed(system, application);
    }

    /** A message from a bag and a body (no input name: that comes from the topic). */
    public static Message toMessage(String bag, byte[] body) {
        return parse(bag).toBuilder().body(body).build();
    }

    /**
     * Encodes a bag for a hub → device/module delivery (C2D, module input). Every non-empty system property of
     * the message goes first as {@code %24.xx=..}; then application properties, those whose name starts with
     * {@code $} first (so a Java client, which starts at the first {@code %24}, cannot skip ordinary ones).
     * Note: with no system property at all, a Java client reads no application properties either — deliveries
     * should carry at least {@code $.mid}.
     */
    public static String encodeForDelivery(Message message) {
        List<String> items = new ArrayList<>();
        for (SystemProperty p : SystemProperty.values()) {
            addItem(items, p.wireName(), p.valueOf(message));
        }
        addApplicationProperties(items, message);
        return String.join("&", items);
    }

    /**
     * Encodes a bag for a device/module → hub publish (telemetry, output), in the Java SDK's form: system keys
     * written literally ({@code $.mid=}), values and application properties percent-encoded strictly.
     * {@code inputName} and {@code enqueuedTime} are never sent.
     */
    public static String encodeForPublish(Message message) {
        List<String> items = new ArrayList<>();
        for (SystemProperty p : SystemProperty.values()) {
            String value = p.valueOf(message);
            if (value != null && !value.isEmpty()) {
                items.add(p.wireName() + "=" + UriCoding.encode(value));
            }
        }
        addApplicationProperties(items, message);
        return String.join("&", items);
    }

    private static void addApplicationProperties(List<String> items, Message message) {
        message.properties().forEach((k, v) -> {
            if (k.startsWith("$")) {
                addItem(items, k, v);
            }
        });
        message.properties().forEach((k, v) -> {
            if (!k.startsWith("$")) {
                addItem(items, k, v);
            }
        });
    }

    private static void addItem(List<String> items, String key, String value) {
        if (value != null && !value.isEmpty() && !key.isEmpty()) {
            items.add(UriCoding.encode(key) + "=" + UriCoding.encode(value));
        }
    }
}
