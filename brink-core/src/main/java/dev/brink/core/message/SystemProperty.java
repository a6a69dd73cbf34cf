package dev.brink.core.message;

import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The system properties that travel in MQTT property bags, with their wire names (edgeHub
 * {@code SystemProperties.OnTheWireSystemPropertyNames}). The declaration order is the order used when
 * encoding a bag: the real hub puts {@code $.mid}, {@code $.to}, {@code $.cid} first.
 */
public enum SystemProperty {
    MESSAGE_ID("$.mid", Message::messageId, Message.Builder::messageId),
    TO("$.to", Message::to, Message.Builder::to),
    CORRELATION_ID("$.cid", Message::correlationId, Message.Builder::correlationId),
    USER_ID("$.uid", Message::userId, Message.Builder::userId),
    OUTPUT_NAME("$.on", Message::outputName, Message.Builder::outputName),
    CONNECTION_DEVICE_ID("$.cdid", Message::connectionDeviceId, Message.Builder::connectionDeviceId),
    CONNECTION_MODULE_ID("$.cmid", Message::connectionModuleId, Message.Builder::connectionModuleId),
    CONTENT_TYPE("$.ct", Message::contentType, Message.Builder::contentType),
    CONTENT_ENCODING("$.ce", Message::contentEncoding, Message.Builder::contentEncoding),
    CREATION_TIME_UTC("$.ctime", m -> format(m.creationTimeUtc()), (b, v) -> b.creationTimeUtc(MessageTimes.parse(v))),
    EXPIRY_TIME_UTC("$.exp", m -> format(m.expiryTimeUtc()), (b, v) -> b.expiryTimeUtc(MessageTimes.parse(v))),
    MESSAGE_SCHEMA("$.schema", Message::messageSchema, Message.Builder::messageSchema),
    INTERFACE_ID("$.ifid", Message::interfaceId, Message.Builder::interfaceId),
    COMPONENT_NAME("$.sub", Message::componentName, Message.Builder::componentName);

    /** Every system property's wire name starts with this; encoded on the wire as {@code %24.}. */
    public static final String PREFIX = "$.";

    private final String wireName;
    private final Function<Message, String> getter;
    private final BiConsumer<Message.Builder, String> setter;

    SystemProperty(String wireName, Function<Message, String> getter, BiConsumer<Message.Builder, String> setter) {
        this.wireName = wireName;
        this.getter = getter;
        this.setter = setter;
    }

    /** The decoded key, e.g. {@code $.mid}. */
    public String wireName() {
        return wireName;
    }

    /** The value as it goes on the wire (before percent-encoding), or null when unset. */
    public String valueOf(Message message) {
        return getter.apply(message);
    }

    /**
     * Sets the field from a decoded wire value.
     *
     * @throws IllegalArgumentException for a time property whose value is not a recognised date-time
     */
    public void apply(Message.Builder builder, String value) {
        setter.accept(builder, value);
    }

    /** The property with this decoded wire name, or null. */
    public static SystemProperty byWireName(String name) {
        for (SystemProperty p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static String format(Instant t) {
        return t == null ? null : MessageTimes.format(t);
    }
}
