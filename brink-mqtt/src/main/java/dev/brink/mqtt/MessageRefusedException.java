package dev.brink.mqtt;

/**
 * A backend's refusal of a device-to-cloud message (for example the edge hub's store is full and its overflow
 * policy is to refuse). MQTT 3.1.1 cannot refuse a PUBLISH, so the head closes the connection and logs the reason.
 */
public class MessageRefusedException extends RuntimeException {
    public MessageRefusedException(String reason) {
        super(reason);
    }
}
