package dev.brink.core.message;

import java.util.Objects;

/**
 * A parsed IoT Hub MQTT topic (reference §2.1). {@link IotHubTopics#parse(String)} reads any of them;
 * {@link #topic()} writes the canonical form, which every official SDK accepts. Ids and names are raw (as
 * in the topic); property bags are raw (still percent-encoded) and read with {@link PropertyBag}; request
 * ids are opaque and echoed back unchanged.
 */
public sealed interface IotHubTopic {

    /** The topic string. */
    String topic();

    /** True for topics a device/module publishes, false for those the hub delivers. */
    boolean fromDevice();

    /**
     * {@code devices/{d}/messages/events/{bag}} or {@code devices/{d}/modules/{m}/messages/events/{bag}/}.
     * The canonical module form ends in {@code /} when the bag is non-empty, like the Java SDK.
     *
     * @param moduleId null for a device
     * @param propertyBag raw bag without the optional trailing {@code /}; empty when there is none
     */
    record Telemetry(String deviceId, String moduleId, String propertyBag) implements IotHubTopic {
        public Telemetry {
            Objects.requireNonNull(deviceId, "deviceId");
            propertyBag = propertyBag == null ? "" : propertyBag;
        }

        @Override
        public String topic() {
            String prefix = IotHubTopics.identityPrefix(deviceId, moduleId) + "/messages/events/";
            return moduleId == null || propertyBag.isEmpty() ? prefix + propertyBag : prefix + propertyBag + "/";
        }

        @Override
        public boolean fromDevice() {
            return true;
        }

        public PropertyBag.Parsed properties() {
            return PropertyBag.parse(propertyBag);
        }

        /** The message with its bag's properties (connection ids are whatever the client wrote, if anything). */
        public Message toMessage(byte[] body) {
            return PropertyBag.toMessage(propertyBag, body);
        }
    }

    /**
     * C2D delivery {@code devices/{d}/messages/devicebound/{bag}}, or the Java-only module form
     * {@code devices/{d}/modules/{m}/messages/devicebound/{bag}}.
     */
    record DeviceBound(String deviceId, String moduleId, String propertyBag) implements IotHubTopic {
        public DeviceBound {
            Objects.requireNonNull(deviceId, "deviceId");
            propertyBag = propertyBag == null ? "" : propertyBag;
        }

        @Override
        public String topic() {
            return IotHubTopics.identityPrefix(deviceId, moduleId) + "/messages/devicebound/" + propertyBag;
        }

        @Override
        public boolean fromDevice() {
            return false;
        }

        public Message toMessage(byte[] body) {
            return PropertyBag.toMessage(propertyBag, body);
        }
    }

    /**
     * Module input delivery {@code devices/{d}/modules/{m}/inputs/{input}/{bag}}. The {@code /} after the input
     * name is always written (Node ignores the message without it).
     */
    record ModuleInput(String deviceId, String moduleId, String inputName, String propertyBag)
            implements IotHubTopic {
        public ModuleInput {
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(moduleId, "moduleId");
            Objects.requireNonNull(inputName, "inputName");
            propertyBag = propertyBag == null ? "" : propertyBag;
        }

        @Override
        public String topic() {
            return IotHubTopics.identityPrefix(deviceId, moduleId) + "/inputs/" + inputName + "/" + propertyBag;
        }

        @Override
        public boolean fromDevice() {
            return false;
        }

        /** The message with its bag's properties and {@code inputName} set. */
        public Message toMessage(byte[] body) {
            return PropertyBag.parse(propertyBag).toBuilder().body(body).inputName(inputName).build();
        }
    }

    /** {@code $iothub/twin/GET/?$rid={rid}}. */
    record TwinGet(String requestId) implements IotHubTopic {
        public TwinGet {
            IotHubTopics.requireRequestId(requestId);
        }

        @Override
        public String topic() {
            return "$iothub/twin/GET/?$rid=" + requestId;
        }

        @Override
        public boolean fromDevice() {
            return true;
        }
    }

    /** {@code $iothub/twin/PATCH/properties/reported/?$rid={rid}[&$version={v}]}; version null when absent. */
    record TwinReportedPatch(String requestId, Long version) implements IotHubTopic {
        public TwinReportedPatch {
            IotHubTopics.requireRequestId(requestId);
        }

        @Override
        public String topic() {
            return "$iothub/twin/PATCH/properties/reported/?$rid=" + requestId
                    + (version == null ? "" : "&$version=" + version);
        }

        @Override
        public boolean fromDevice() {
            return true;
        }
    }

    /**
     * {@code $iothub/twin/res/{status}/?$rid={rid}[&$version={v}]}: rid first, then version (Java finds the
     * end of the rid at {@code $version}).
     */
    record TwinResponse(int status, String requestId, Long version) implements IotHubTopic {
        public TwinResponse {
            IotHubTopics.requireRequestId(requestId);
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("twin response status must have three digits: " + status);
            }
        }

        @Override
        public String topic() {
            return "$iothub/twin/res/" + status + "/?$rid=" + requestId + (version == null ? "" : "&$version=" + version);
        }

        @Override
        public boolean fromDevice() {
            return false;
        }
    }

    /** {@code $iothub/twin/PATCH/properties/desired/?$version={v}}; version null when the topic has none. */
    record TwinDesiredPatch(Long version) implements IotHubTopic {
        @Override
        public String topic() {
            return "$iothub/twin/PATCH/properties/desired/" + (version == null ? "" : "?$version=" + version);
        }

        @Override
        public boolean fromDevice() {
            return false;
        }
    }

    /** {@code $iothub/methods/POST/{method}/?$rid={rid}} — nothing may follow the rid (Java reads to the end). */
    record MethodRequest(String methodName, String requestId) implements IotHubTopic {
        public MethodRequest {
            IotHubTopics.requireSegment("method name", methodName);
            IotHubTopics.requireRequestId(requestId);
        }

        @Override
        public String topic() {
            return "$iothub/methods/POST/" + methodName + "/?$rid=" + requestId;
        }

        @Override
        public boolean fromDevice() {
            return false;
        }
    }

    /** {@code $iothub/methods/res/{status}/?$rid={rid}}; status is the application's integer status. */
    record MethodResponse(int status, String requestId) implements IotHubTopic {
        public MethodResponse {
            IotHubTopics.requireRequestId(requestId);
        }

        @Override
        public String topic() {
            return "$iothub/methods/res/" + status + "/?$rid=" + requestId;
        }

        @Override
        public boolean fromDevice() {
            return true;
        }
    }
}
