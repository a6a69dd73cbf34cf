package dev.brink.core.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A device/module message: telemetry, module output, C2D or module input. Immutable; build with
 * {@link #builder()} or {@link #toBuilder()}. Unset system properties are null. Application properties keep
 * their insertion order, which is the order they had (or will have) in the topic's property bag.
 *
 * <p>{@code inputName} is not a bag property: it comes from the input topic ({@code .../inputs/{name}/}).
 * {@code enqueuedTime} is stamped by the hub and is not carried in MQTT property bags.
 */
public record Message(byte[] body, String messageId, String correlationId, String userId, String to,
                      String contentType, String contentEncoding, Instant creationTimeUtc, Instant expiryTimeUtc,
                      String outputName, String inputName, String connectionDeviceId, String connectionModuleId,
                      String messageSchema, String componentName, String interfaceId,
                      Map<String, String> properties, Instant enqueuedTime) {

    public Message {
        body = body == null ? new byte[0] : body.clone();
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        properties.forEach((k, v) -> {
            Objects.requireNonNull(k, "property name");
            Objects.requireNonNull(v, "value of property " + k);
        });
    }

    public static Message of(byte[] body) {
        return builder().body(body).build();
    }

    public static Message of(String utf8Body) {
        return builder().body(utf8Body).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A defensive copy: records expose their components, and arrays are mutable. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public int bodyLength() {
        return body.length;
    }

    public String property(String name) {
        return properties.get(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.body = body;
        b.messageId = messageId;
        b.correlationId = correlationId;
        b.userId = userId;
        b.to = to;
        b.contentType = contentType;
        b.contentEncoding = contentEncoding;
        b.creationTimeUtc = creationTimeUtc;
        b.expiryTimeUtc = expiryTimeUtc;
        b.outputName = outputName;
        b.inputName = inputName;
        b.connectionDeviceId = connectionDeviceId;
        b.connectionModuleId = connectionModuleId;
        b.messageSchema = messageSchema;
        b.componentName = componentName;
        b.interfaceId = interfaceId;
        b.properties.putAll(properties);
        b.enqueuedTime = enqueuedTime;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message m)) {
            return false;
        }
        return Arrays.equals(body, m.body) && Objects.equals(messageId, m.messageId)
                && Objects.equals(correlationId, m.correlationId) && Objects.equals(userId, m.userId)
                && Objects.equals(to, m.to) && Objects.equals(contentType, m.contentType)
                && Objects.equals(contentEncoding, m.contentEncoding)
                && Objects.equals(creationTimeUtc, m.creationTimeUtc)
                && Objects.equals(expiryTimeUtc, m.expiryTimeUtc) && Objects.equals(outputName, m.outputName)
                && Objects.equals(inputName, m.inputName) && Objects.equals(connectionDeviceId, m.connectionDeviceId)
                && Objects.equals(connectionModuleId, m.connectionModuleId)
                && Objects.equals(messageSchema, m.messageSchema) && Objects.equals(componentName, m.componentName)
                && Objects.equals(interfaceId, m.interfaceId)
                // Order matters: it is part of the wire form.
                && properties.entrySet().stream().toList().equals(m.properties.entrySet().stream().toList())
                && Objects.equals(enqueuedTime, m.enqueuedTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), messageId, correlationId, to, outputName, inputName, properties);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Message[").append(body.length).append(" bytes");
        appendIf(sb, "messageId", messageId);
        appendIf(sb, "correlationId", correlationId);
        appendIf(sb, "userId", userId);
        appendIf(sb, "to", to);
        appendIf(sb, "contentType", contentType);
        appendIf(sb, "contentEncoding", contentEncoding);
        appendIf(sb, "creationTimeUtc", creationTimeUtc);
        appendIf(sb, "expiryTimeUtc", expiryTimeUtc);
        appendIf(sb, "outputName", outputName);
        appendIf(sb, "inputName", inputName);
        appendIf(sb, "connectionDeviceId", connectionDeviceId);
        appendIf(sb, "connectionModuleId", connectionModuleId);
        appendIf(sb, "messageSchema", messageSchema);
        appendIf(sb, "componentName", componentName);
        appendIf(sb, "interfaceId", interfaceId);
        appendIf(sb, "enqueuedTime", enqueuedTime);
        if (!properties.isEmpty()) {
            sb.append(", properties=").append(properties);
        }
        return sb.append(']').toString();
    }

    private static void appendIf(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(", ").append(name).append('=').append(value);
        }
    }

    /** Mutable builder; {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private byte[] body = new byte[0];
        private String messageId;
        private String correlationId;
        private String userId;
        private String to;
        private String contentType;
        private String contentEncoding;
        private Instant creationTimeUtc;
        private Instant expiryTimeUtc;
        private String outputName;
        private String inputName;
        private String connectionDeviceId;
        private String connectionModuleId;
        private String messageSchema;
        private String componentName;
        private String interfaceId;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Instant enqueuedTime;

        private Builder() {
        }

        public Builder body(byte[] body) {
            this.body = body == null ? new byte[0] : body;
            return this;
        }

        public Builder body(String utf8) {
            return body(utf8 == null ? null : utf8.getBytes(StandardCharsets.UTF_8));
        }

        public Builder messageId(String v) {
            messageId = v;
            return this;
        }

        public Builder correlationId(String v) {
            correlationId = v;
            return this;
        }

        public Builder userId(String v) {
            userId = v;
            return this;
        }

        public Builder to(String v) {
            to = v;
            return this;
        }

        public Builder contentType(String v) {
            contentType = v;
            return this;
        }

        public Builder contentEncoding(String v) {
            contentEncoding = v;
            return this;
        }

        public Builder creationTimeUtc(Instant v) {
            creationTimeUtc = v;
            return this;
        }

        public Builder expiryTimeUtc(Instant v) {
            expiryTimeUtc = v;
            return this;
        }

        public Builder outputName(String v) {
            outputName = v;
            return this;
        }

        public Builder inputName(String v) {
            inputName = v;
            return this;
        }

        public Builder connectionDeviceId(String v) {
            connectionDeviceId = v;
            return this;
        }

        public Builder connectionModuleId(String v) {
            connectionModuleId = v;
            return this;
        }

        public Builder messageSchema(String v) {
            messageSchema = v;
            return this;
        }

        public Builder componentName(String v) {
            componentName = v;
            return this;
        }

        public Builder interfaceId(String v) {
            interfaceId = v;
            return this;
        }

        /** Adds or replaces an application property (a replaced one keeps its position). */
        public Builder property(String name, String value) {
            properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder properties(Map<String, String> values) {
            values.forEach(this::property);
            return this;
        }

        public Builder removeProperty(String name) {
            properties.remove(name);
            return this;
        }

        public Builder clearProperties() {
            properties.clear();
            return this;
        }

        public Builder enqueuedTime(Instant v) {
            enqueuedTime = v;
            return this;
        }

        public Message build() {
            return new Message(body, messageId, correlationId, userId, to, contentType, contentEncoding,
                    creationTimeUtc, expiryTimeUtc, outputName, inputName, connectionDeviceId, connectionModuleId,
                    messageSchema, componentName, interfaceId, properties, enqueuedTime);
        }
    }
}
