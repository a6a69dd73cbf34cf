package dev.brink.mqtt;

/**
 * A twin response for {@code $iothub/twin/res/{status}/?$rid=..[&$version=..]}: 200 with
 * {@code {"desired":..,"reported":..}} for GET, 204 with the new reported {@code version} for PATCH, or an error
 * status with a JSON body {@code {"errorCode","message",…}}.
 */
public record TwinReply(int status, Long version, byte[] body) {
}
