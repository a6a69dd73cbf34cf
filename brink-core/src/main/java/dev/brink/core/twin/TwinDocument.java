package dev.brink.core.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * CONTRACT STUB (to be implemented): an immutable twin document — tags, desired and reported
 * properties with their {@code $version} and {@code $metadata}, and the twin's version.
 * Every mutating operation validates the limits and returns a {@link TwinUpdate} with a new document.
 */
public final class TwinDocument {

    /** A brand-new twin: no tags, desired {"$version":1}, reported {"$version":1}, version 1. */
    public static TwinDocument empty() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Twin version: increments on every change of tags, desired or reported. */
    public long version() {
        throw new UnsupportedOperationException();
    }

    /** Opaque etag derived from the version (base64 of the 8-byte big-endian version, like IoT Hub). */
    public String etag() {
        throw new UnsupportedOperationException();
    }

    public long desiredVersion() {
        throw new UnsupportedOperationException();
    }

    public long reportedVersion() {
        throw new UnsupportedOperationException();
    }

    /** A copy of the tags. */
    public ObjectNode tags() {
        throw new UnsupportedOperationException();
    }

    /** {"desired":{...,"$metadata":{...},"$version":N},"reported":{...}} as in the service-side twin. */
    public ObjectNode propertiesJson() {
        throw new UnsupportedOperationException();
    }

    /** Device-side GET body: {"desired":{...,"$version":N},"reported":{...,"$version":M}} (no $metadata). */
    public ObjectNode toDeviceJson() {
        throw new UnsupportedOperationException();
    }

    /** Merge-patch of the reported properties (device side). */
    public TwinUpdate patchReported(JsonNode patch, Instant now) {
        throw new UnsupportedOperationException();
    }

    /** Merge-patch of the desired properties. */
    public TwinUpdate patchDesired(JsonNode patch, Instant now) {
        throw new UnsupportedOperationException();
    }

    /** Replaces the desired properties wholesale (applyConfigurationContent, PUT). */
    public TwinUpdate replaceDesired(JsonNode desired, Instant now) {
        throw new UnsupportedOperationException();
    }

    /** Service PATCH body {"tags":{..},"properties":{"desired":{..}}}: both parts optional, merge semantics. */
    public TwinUpdate applyServicePatch(JsonNode body, Instant now) {
        throw new UnsupportedOperationException();
    }

    /** Service PUT body: replaces tags and desired wholesale; reported is not writable by the service. */
    public TwinUpdate applyServiceReplace(JsonNode body, Instant now) {
        throw new UnsupportedOperationException();
    }

    /** Compact JSON holding everything needed to restore this document exactly. */
    public String toStorageJson() {
        throw new UnsupportedOperationException();
    }

    public static TwinDocument fromStorageJson(String json) {
        throw new UnsupportedOperationException();
    }
}
