package dev.brink.bench.mqtt;

/** What one simulated device sends in CONNECT, and where it publishes telemetry. */
record DeviceLogin(String deviceId, String clientId, String username, String password, String telemetryTopic) {

    /** A broker that accepts anyone (Mosquitto with allow_anonymous): same ids and topic as for the hub. */
    static DeviceLogin anonymous(String deviceId) {
        return new DeviceLogin(deviceId, deviceId, "bench", "bench", telemetryTopic(deviceId));
    }

    static String telemetryTopic(String deviceId) {
        return "devices/" + deviceId + "/messages/events/";
    }

    static String desiredTopicFilter() {
        return "$iothub/twin/PATCH/properties/desired/#";
    }
}
