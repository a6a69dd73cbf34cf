package dev.brink.mqtt;

/** The MQTT 3.1.1 CONNACK refusals the IoT Hub protocol uses (reference §1.2). */
public enum ConnectRefusal {
    /** 2: the client id is not {@code {d}} or {@code {d}/{m}}. */
    IDENTIFIER_REJECTED,
    /** 3: internal failure. */
    SERVER_UNAVAILABLE,
    /** 4: no user name or password. */
    BAD_USERNAME_OR_PASSWORD,
    /** 5: unknown/disabled identity, bad or expired token, out of scope. */
    NOT_AUTHORIZED
}
