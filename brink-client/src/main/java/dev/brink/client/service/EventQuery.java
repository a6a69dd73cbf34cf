package dev.brink.client.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which events to stream: from {@code start}, {@code end} or an offset; optionally of one device/module; live
 * ({@code follow}) or only those already stored; at most {@code max} (null = no limit).
 */
public record EventQuery(String from, String deviceId, String moduleId, boolean follow, Long max) {
    public static EventQuery fromStart() {
        return new EventQuery("start", null, null, false, null);
    }

    public EventQuery following(boolean value) {
        return new EventQuery(from, deviceId, moduleId, value, max);
    }

    public EventQuery device(String id) {
        return new EventQuery(from, id, moduleId, follow, max);
    }

    public EventQuery max(Long value) {
        return new EventQuery(from, deviceId, moduleId, follow, value);
    }

    String queryString() {
        List<String> parts = new ArrayList<>();
        add(parts, "from", from);
        add(parts, "device", deviceId);
        add(parts, "module", moduleId);
        if (follow) {
            parts.add("follow=true");
        }
        add(parts, "max", max == null ? null : max.toString());
        return String.join("&", parts);
    }

    private static void add(List<String> parts, String name, String value) {
        if (value != null && !value.isEmpty()) {
            parts.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        }
    }
}
