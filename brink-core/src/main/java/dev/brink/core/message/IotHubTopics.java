package dev.brink.core.message;

import dev.brink.core.error.BrinkException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Parses every IoT Hub MQTT topic of reference §2.1 into an {@link IotHubTopic}, and names the subscription
 * filters the SDKs use ({@link TopicFilter}). Pure string work; the caller checks that ids in a topic match
 * the authenticated identity.
 */
public final class IotHubTopics {
    private static final String DEVICES = "devices/";
    private static final String IOTHUB = "$iothub/";

    private IotHubTopics() {
    }

    /**
     * Parses a topic.
     *
     * @throws BrinkException {@code ArgumentInvalid} naming the problem for an unknown or malformed topic
     */
    public static IotHubTopic parse(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw invalid(topic, "empty topic");
        }
        if (topic.startsWith(DEVICES)) {
            return parseDeviceTopic(topic);
        }
        if (topic.startsWith(IOTHUB)) {
            return parseIotHubTopic(topic);
        }
        throw invalid(topic, "it must start with 'devices/' or '$iothub/'");
    }

    /** Like {@link #parse(String)} but empty for a topic that is unknown or malformed. */
    public static Optional<IotHubTopic> tryParse(String topic) {
        try {
            return Optional.of(parse(topic));
        } catch (BrinkException e) {
            return Optional.empty();
        }
    }

    // --- devices/... -------------------------------------------------------------------------------------

    private static IotHubTopic parseDeviceTopic(String topic) {
        int dEnd = topic.indexOf('/', DEVICES.length());
        if (dEnd <= DEVICES.length()) {
            throw invalid(topic, "missing device id");
        }
        String deviceId = topic.substring(DEVICES.length(), dEnd);
        String rest = topic.substring(dEnd + 1);
        String moduleId = null;
        if (rest.startsWith("modules/")) {
            int mEnd = rest.indexOf('/', "modules/".length());
            if (mEnd <= "modules/".length()) {
                throw invalid(topic, "missing module id");
            }
            moduleId = rest.substring("modules/".length(), mEnd);
            rest = rest.substring(mEnd + 1);
            if (rest.startsWith("inputs/")) {
                return parseInput(topic, deviceId, moduleId, rest.substring("inputs/".length()));
            }
        }
        String events = afterKeyword(rest, "messages/events");
        if (events != null) {
            return new IotHubTopic.Telemetry(deviceId, moduleId, stripSlash(events));
        }
        String deviceBound = afterKeyword(rest, "messages/devicebound");
        if (deviceBound != null) {
            return new IotHubTopic.DeviceBound(deviceId, moduleId, stripSlash(deviceBound));
        }
        throw invalid(topic, "expected messages/events, messages/devicebound or (modules) inputs after the ids");
    }

    private static IotHubTopic parseInput(String topic, String deviceId, String moduleId, String rest) {
        int slash = rest.indexOf('/');
        String input = slash < 0 ? rest : rest.substring(0, slash);
        if (input.isEmpty()) {
            throw invalid(topic, "missing input name");
        }
        String bag = slash < 0 ? "" : stripSlash(rest.substring(slash + 1));
        return new IotHubTopic.ModuleInput(deviceId, moduleId, input, bag);
    }

    /** The text after {@code keyword} or {@code keyword/}; null when {@code rest} is neither. */
    private static String afterKeyword(String rest, String keyword) {
        if (rest.equals(keyword)) {
            return "";
        }
        return rest.startsWith(keyword + "/") ? rest.substring(keyword.length() + 1) : null;
    }

    private static String stripSlash(String bag) {
        return bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
    }

    // --- $iothub/... -------------------------------------------------------------------------------------

    private static IotHubTopic parseIotHubTopic(String topic) {
        int q = topic.indexOf('?');
        String path = stripSlash(q < 0 ? topic : topic.substring(0, q));
        Query query = Query.parse(q < 0 ? "" : topic.substring(q + 1), topic);
        String[] seg = path.split("/", -1);
        String shape = String.join("/", Arrays.copyOfRange(seg, 0, Math.min(seg.length, 3)));
        switch (shape) {
            case "$iothub/twin/GET" -> {
                requireSegments(topic, seg, 3);
                return new IotHubTopic.TwinGet(query.requireRid(topic));
            }
            case "$iothub/twin/PATCH" -> {
                if (path.equals("$iothub/twin/PATCH/properties/reported")) {
                    return new IotHubTopic.TwinReportedPatch(query.requireRid(topic), query.version);
                }
                if (path.equals("$iothub/twin/PATCH/properties/desired")) {
                    return new IotHubTopic.TwinDesiredPatch(query.version);
                }
                throw invalid(topic, "expected $iothub/twin/PATCH/properties/reported or .../desired");
            }
            case "$iothub/twin/res" -> {
                requireSegments(topic, seg, 4);
                if (!seg[3].matches("\\d{3}")) {
                    throw invalid(topic, "twin response status must be three digits");
                }
                return new IotHubTopic.TwinResponse(Integer.parseInt(seg[3]), query.requireRid(topic), query.version);
            }
            case "$iothub/methods/POST" -> {
                requireSegments(topic, seg, 4);
                return new IotHubTopic.MethodRequest(seg[3], query.requireRid(topic));
            }
            case "$iothub/methods/res" -> {
                requireSegments(topic, seg, 4);
                return new IotHubTopic.MethodResponse(parseStatus(topic, seg[3]), query.requireRid(topic));
            }
            default -> throw invalid(topic, "unknown $iothub topic");
        }
    }

    private static void requireSegments(String topic, String[] seg, int n) {
        if (seg.length != n || Arrays.stream(seg).anyMatch(String::isEmpty)) {
            throw invalid(topic, "expected " + n + " path segments before '?'");
        }
    }

    private static int parseStatus(String topic, String s) {
        if (!s.matches("-?\\d{1,9}")) {
            throw invalid(topic, "method response status must be an integer");
        }
        return Integer.parseInt(s);
    }

    /** {@code $rid} (raw, opaque) and {@code $version} of a {@code $iothub} query; other keys are ignored. */
    private record Query(String rid, Long version) {
        static Query parse(String query, String topic) {
            String rid = null;
            Long version = null;
            for (String item : query.split("&")) {
                int eq = item.indexOf('=');
                String key = UriCoding.decode(eq < 0 ? item : item.substring(0, eq));
                String value = eq < 0 ? "" : item.substring(eq + 1);
                if (key.equals("$rid")) {
                    rid = value;
                } else if (key.equals("$version")) {
                    if (!value.matches("\\d{1,18}")) {
                        throw invalid(topic, "$version must be a non-negative integer");
                    }
                    version = Long.parseLong(value);
                }
            }
            return new Query(rid, version);
        }

        String requireRid(String topic) {
            if (rid == null || rid.isEmpty()) {
                throw invalid(topic, "missing $rid");
            }
            return rid;
        }
    }

    // --- shared helpers for the records ------------------------------------------------------------------

    static String identityPrefix(String deviceId, String moduleId) {
        requireSegment("device id", deviceId);
        if (moduleId == null) {
            return DEVICES + deviceId;
        }
        requireSegment("module id", moduleId);
        return DEVICES + deviceId + "/modules/" + moduleId;
    }

    static void requireRequestId(String rid) {
        if (rid == null || rid.isEmpty() || rid.contains("/") || rid.contains("&")) {
            throw new IllegalArgumentException("request id must be non-empty and contain no '/' or '&': " + rid);
        }
    }

    /** Ids and names are raw topic segments: anything but empty or containing {@code /}. */
    static void requireSegment(String what, String value) {
        if (value == null || value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException(what + " must be a non-empty topic segment without '/': " + value);
        }
    }

    private static BrinkException invalid(String topic, String why) {
        String shown = topic == null ? "null" : topic.length() > 200 ? topic.substring(0, 200) + "..." : topic;
        return BrinkException.invalid("invalid IoT Hub topic '" + shown + "': " + why);
    }
}
