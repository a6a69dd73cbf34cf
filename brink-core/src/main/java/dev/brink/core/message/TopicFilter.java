package dev.brink.core.message;

import java.util.Objects;
import java.util.Optional;

/**
 * The SUBSCRIBE filters the SDKs use (reference §2.7). {@link #parse(String)} lets a server recognise them
 * (and refuse anything else); {@link #filter()} writes one.
 *
 * @param deviceId null for the {@code $iothub} kinds
 * @param moduleId set for {@link Kind#MODULE_DEVICE_BOUND} and {@link Kind#MODULE_INPUTS}, else null
 */
public record TopicFilter(Kind kind, String deviceId, String moduleId) {
    public static final String TWIN_RESPONSES = "$iothub/twin/res/#";
    public static final String TWIN_DESIRED = "$iothub/twin/PATCH/properties/desired/#";
    public static final String METHODS = "$iothub/methods/POST/#";

    public enum Kind { DEVICE_BOUND, MODULE_DEVICE_BOUND, MODULE_INPUTS, TWIN_RESPONSES, TWIN_DESIRED, METHODS }

    public TopicFilter {
        Objects.requireNonNull(kind, "kind");
        switch (kind) {
            case DEVICE_BOUND -> IotHubTopics.requireSegment("device id", deviceId);
            case MODULE_DEVICE_BOUND, MODULE_INPUTS -> {
                IotHubTopics.requireSegment("device id", deviceId);
                IotHubTopics.requireSegment("module id", moduleId);
            }
            default -> {
                deviceId = null;
                moduleId = null;
            }
        }
        if (kind == Kind.DEVICE_BOUND) {
            moduleId = null;
        }
    }

    /** {@code devices/{d}/messages/devicebound/#}. */
    public static TopicFilter deviceBound(String deviceId) {
        return new TopicFilter(Kind.DEVICE_BOUND, deviceId, null);
    }

    /** {@code devices/{d}/modules/{m}/messages/devicebound/#} (Java modules connected without a gateway). */
    public static TopicFilter moduleDeviceBound(String deviceId, String moduleId) {
        return new TopicFilter(Kind.MODULE_DEVICE_BOUND, deviceId, moduleId);
    }

    /** {@code devices/{d}/modules/{m}/inputs/#}. */
    public static TopicFilter moduleInputs(String deviceId, String moduleId) {
        return new TopicFilter(Kind.MODULE_INPUTS, deviceId, moduleId);
    }

    public static TopicFilter twinResponses() {
        return new TopicFilter(Kind.TWIN_RESPONSES, null, null);
    }

    public static TopicFilter twinDesired() {
        return new TopicFilter(Kind.TWIN_DESIRED, null, null);
    }

    public static TopicFilter methods() {
        return new TopicFilter(Kind.METHODS, null, null);
    }

    public String filter() {
        return switch (kind) {
            case DEVICE_BOUND -> "devices/" + deviceId + "/messages/devicebound/#";
            case MODULE_DEVICE_BOUND -> "devices/" + deviceId + "/modules/" + moduleId + "/messages/devicebound/#";
            case MODULE_INPUTS -> "devices/" + deviceId + "/modules/" + moduleId + "/inputs/#";
            case TWIN_RESPONSES -> TWIN_RESPONSES;
            case TWIN_DESIRED -> TWIN_DESIRED;
            case METHODS -> METHODS;
        };
    }

    /** True when a delivered topic falls under this filter. */
    public boolean matches(IotHubTopic topic) {
        return switch (kind) {
            case DEVICE_BOUND -> topic instanceof IotHubTopic.DeviceBound t && t.moduleId() == null
                    && t.deviceId().equals(deviceId);
            case MODULE_DEVICE_BOUND -> topic instanceof IotHubTopic.DeviceBound t && deviceId.equals(t.deviceId())
                    && moduleId.equals(t.moduleId());
            case MODULE_INPUTS -> topic instanceof IotHubTopic.ModuleInput t && deviceId.equals(t.deviceId())
                    && moduleId.equals(t.moduleId());
            case TWIN_RESPONSES -> topic instanceof IotHubTopic.TwinResponse;
            case TWIN_DESIRED -> topic instanceof IotHubTopic.TwinDesiredPatch;
            case METHODS -> topic instanceof IotHubTopic.MethodRequest;
        };
    }

    /** Recognises one of the SDK filters exactly; empty for anything else (including other wildcards). */
    public static Optional<TopicFilter> parse(String filter) {
        if (filter == null) {
            return Optional.empty();
        }
        switch (filter) {
            case TWIN_RESPONSES:
                return Optional.of(twinResponses());
            case TWIN_DESIRED:
                return Optional.of(twinDesired());
            case METHODS:
                return Optional.of(methods());
            default:
                break;
        }
        String[] s = filter.split("/", -1);
        if (s.length == 5 && s[0].equals("devices") && s[2].equals("messages") && s[3].equals("devicebound")
                && s[4].equals("#") && validId(s[1])) {
            return Optional.of(deviceBound(s[1]));
        }
        if (s.length == 7 && s[0].equals("devices") && s[2].equals("modules") && s[4].equals("messages")
                && s[5].equals("devicebound") && s[6].equals("#") && validId(s[1]) && validId(s[3])) {
            return Optional.of(moduleDeviceBound(s[1], s[3]));
        }
        if (s.length == 6 && s[0].equals("devices") && s[2].equals("modules") && s[4].equals("inputs")
                && s[5].equals("#") && validId(s[1]) && validId(s[3])) {
            return Optional.of(moduleInputs(s[1], s[3]));
        }
        return Optional.empty();
    }

    // A '+' or '#' segment would be a wildcard over other identities.
    private static boolean validId(String segment) {
        return !segment.isEmpty() && !segment.equals("+") && !segment.equals("#");
    }
}
