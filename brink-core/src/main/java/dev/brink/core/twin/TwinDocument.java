package dev.brink.core.twin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable twin document: tags, desired and reported properties with their {@code $version} and
 * {@code $metadata}, and the twin's version. Every mutating operation validates the limits
 * ({@link TwinLimits}) and returns a {@link TwinUpdate} with a new document.
 *
 * <p>No-op operations (nothing would change) return the same instance with {@code changed=false} and bump no
 * version: IoT Hub may do either, the SDKs accept both, and not bumping spares a store write.
 * See README.md in this package for the metadata and size rules.
 */
public final class TwinDocument {
    static final String TAGS = "tags";
    static final String DESIRED = "properties.desired";
    static final String REPORTED = "properties.reported";
    static final String VERSION_KEY = "$version";
    static final String METADATA_KEY = "$metadata";
    /** IoT Hub's "never" time, used for the metadata of a twin created without a clock. */
    static final Instant NEVER = Instant.parse("0001-01-01T00:00:00Z");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode tags;
    private final TwinSection desired;
    private final TwinSection reported;
    private final long version;

    private TwinDocument(ObjectNode tags, TwinSection desired, TwinSection reported, long version) {
        this.tags = tags;
        this.desired = desired;
        this.reported = reported;
        this.version = version;
    }

    /**
     * A brand-new twin: no tags, desired {"$version":1}, reported {"$version":1}, version 1. The root
     * {@code $lastUpdated} is IoT Hub's "never" (0001-01-01); prefer {@link #empty(Instant)} when a clock is at hand.
     */
    public static TwinDocument empty() {
        return empty(NEVER);
    }

    /** A brand-new twin whose root metadata carries {@code now}. */
    public static TwinDocument empty(Instant now) {
        return new TwinDocument(NODES.objectNode(),
                new TwinSection(NODES.objectNode(), TwinMetadata.desired(now, 1).stamp(NODES.objectNode()), 1),
                new TwinSection(NODES.objectNode(), TwinMetadata.reported(now).stamp(NODES.objectNode()), 1), 1);
    }

    /** A new twin (all versions 1) with the given validated content; any argument may be null for empty. */
    public static TwinDocument of(JsonNode tags, JsonNode desired, JsonNode reported, Instant now) {
        ObjectNode t = MergePatch.withoutNulls(TwinLimits.sectionPatch(TAGS, orEmpty(tags)));
        ObjectNode d = MergePatch.withoutNulls(TwinLimits.sectionPatch(DESIRED, orEmpty(desired)));
        ObjectNode r = MergePatch.withoutNulls(TwinLimits.sectionPatch(REPORTED, orEmpty(reported)));
        TwinLimits.checkSize(TAGS, t, TwinLimits.MAX_TAGS_BYTES);
        TwinLimits.checkSize(DESIRED, d, TwinLimits.MAX_DESIRED_BYTES);
        TwinLimits.checkSize(REPORTED, r, TwinLimits.MAX_REPORTED_BYTES);
        return new TwinDocument(t, new TwinSection(d, TwinMetadata.desired(now, 1).tree(d), 1),
                new TwinSection(r, TwinMetadata.reported(now).tree(r), 1), 1);
    }

    /** Twin version: increments on every change of tags, desired or reported. */
    public long version() {
        return version;
    }

    /** Opaque etag derived from the version (base64 of the 8-byte big-endian version, like IoT Hub). */
    public String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }

    public long desiredVersion() {
        return desired.version();
    }

    public long reportedVersion() {
        return reported.version();
    }

    /** A copy of the tags. */
    public ObjectNode tags() {
        return tags.deepCopy();
    }

    /** A copy of the desired properties without {@code $version}/{@code $metadata}. */
    public ObjectNode desired() {
        return desired.props().deepCopy();
    }

    /** A copy of the reported properties without {@code $version}/{@code $metadata}. */
    public ObjectNode reported() {
        return reported.props().deepCopy();
    }

    /** {"desired":{...,"$metadata":{...},"$version":N},"reported":{...}} as in the service-side twin. */
    public ObjectNode propertiesJson() {
        ObjectNode out = NODES.objectNode();
        out.set("desired", sectionJson(desired, true));
        out.set("reported", sectionJson(reported, true));
        return out;
    }

    /** Device-side GET body: {"desired":{...,"$version":N},"reported":{...,"$version":M}} (no $metadata). */
    public ObjectNode toDeviceJson() {
        ObjectNode out = NODES.objectNode();
        out.set("desired", sectionJson(desired, false));
        out.set("reported", sectionJson(reported, false));
        return out;
    }

    /** Merge-patch of the reported properties (device side). */
    public TwinUpdate patchReported(JsonNode patch, Instant now) {
        ObjectNode p = TwinLimits.sectionPatch(REPORTED, patch);
        return commit(null, null, mergeReported(p, now), null);
    }

    /** Merge-patch of the desired properties. */
    public TwinUpdate patchDesired(JsonNode patch, Instant now) {
        ObjectNode p = TwinLimits.sectionPatch(DESIRED, patch);
        return commit(null, mergeDesired(p, now), null, p);
    }

    /** Replaces the desired properties wholesale (applyConfigurationContent, PUT). */
    public TwinUpdate replaceDesired(JsonNode desired, Instant now) {
        ObjectNode p = TwinLimits.sectionPatch(DESIRED, desired);
        TwinSection d = replacedDesired(p, now);
        return commit(null, d, null, d == null ? null : d.props());
    }

    /** Merge-patch of the tags. */
    public TwinUpdate patchTags(JsonNode patch, Instant now) {
        return commit(mergeTags(TwinLimits.sectionPatch(TAGS, patch)), null, null, null);
    }

    /** Replaces the tags wholesale. */
    public TwinUpdate replaceTags(JsonNode newTags, Instant now) {
        return commit(replacedTags(TwinLimits.sectionPatch(TAGS, newTags)), null, null, null);
    }

    /** Service PATCH body {"tags":{..},"properties":{"desired":{..}}}: both parts optional, merge semantics. */
    public TwinUpdate applyServicePatch(JsonNode body, Instant now) {
        ServiceBody parts = ServiceBody.parse(body);
        ObjectNode t = parts.tags() == null ? null : TwinLimits.sectionPatch(TAGS, parts.tags());
        ObjectNode d = parts.desired() == null ? null : TwinLimits.sectionPatch(DESIRED, parts.desired());
        ObjectNode newTags = t == null ? null : mergeTags(t);
        TwinSection newDesired = d == null ? null : mergeDesired(d, now);
        return commit(newTags, newDesired, null, d);
    }

    /**
     * Service PUT body: replaces tags and desired wholesale; reported is not writable by the service.
     * An absent (or null) "tags" or "properties.desired" replaces that part with {} (wholesale semantics).
     */
    public TwinUpdate applyServiceReplace(JsonNode body, Instant now) {
        ServiceBody parts = ServiceBody.parse(body);
        ObjectNode t = TwinLimits.sectionPatch(TAGS, orEmpty(parts.tags()));
        ObjectNode d = TwinLimits.sectionPatch(DESIRED, orEmpty(parts.desired()));
        ObjectNode newTags = replacedTags(t);
        TwinSection newDesired = replacedDesired(d, now);
        return commit(newTags, newDesired, null, newDesired == null ? null : newDesired.props());
    }

    /** Compact JSON holding everything needed to restore this document exactly. */
    public String toStorageJson() {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeNumberField("version", version);
            gen.writeFieldName("tags");
            Json.MAPPER.writeTree(gen, tags);
            writeSection(gen, "desired", desired);
            writeSection(gen, "reported", reported);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static TwinDocument fromStorageJson(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw corrupt("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("version").canConvertToLong()
                || !(root.get("tags") instanceof ObjectNode storedTags)) {
            throw corrupt("missing version or tags");
        }
        return new TwinDocument(storedTags, readSection(root.get("desired")), readSection(root.get("reported")),
                root.get("version").longValue());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TwinDocument t && version == t.version && tags.equals(t.tags)
                && desired.equals(t.desired) && reported.equals(t.reported);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, tags, desired, reported);
    }

    @Override
    public String toString() {
        return toStorageJson();
    }

    // ---- operations -------------------------------------------------------------------------------------

    private TwinSection mergeDesired(ObjectNode patch, Instant now) {
        long next = desired.version() + 1;
        MergePatch.Merged m = MergePatch.apply(desired.props(), desired.metadata(), patch,
                TwinMetadata.desired(now, next));
        if (m == null) {
            return null;
        }
        TwinLimits.checkSize(DESIRED, m.value(), TwinLimits.MAX_DESIRED_BYTES);
        return new TwinSection(m.value(), m.metadata(), next);
    }

    private TwinSection mergeReported(ObjectNode patch, Instant now) {
        MergePatch.Merged m = MergePatch.apply(reported.props(), reported.metadata(), patch,
                TwinMetadata.reported(now));
        if (m == null) {
            return null;
        }
        TwinLimits.checkSize(REPORTED, m.value(), TwinLimits.MAX_REPORTED_BYTES);
        return new TwinSection(m.value(), m.metadata(), reported.version() + 1);
    }

    private TwinSection replacedDesired(ObjectNode replacement, Instant now) {
        ObjectNode props = MergePatch.withoutNulls(replacement);
        if (props.equals(desired.props())) {
            return null;
        }
        TwinLimits.checkSize(DESIRED, props, TwinLimits.MAX_DESIRED_BYTES);
        long next = desired.version() + 1;
        return new TwinSection(props, TwinMetadata.desired(now, next).tree(props), next);
    }

    private ObjectNode mergeTags(ObjectNode patch) {
        MergePatch.Merged m = MergePatch.apply(tags, null, patch, null);
        if (m == null) {
            return null;
        }
        TwinLimits.checkSize(TAGS, m.value(), TwinLimits.MAX_TAGS_BYTES);
        return m.value();
    }

    private ObjectNode replacedTags(ObjectNode replacement) {
        ObjectNode t = MergePatch.withoutNulls(replacement);
        if (t.equals(tags)) {
            return null;
        }
        TwinLimits.checkSize(TAGS, t, TwinLimits.MAX_TAGS_BYTES);
        return t;
    }

    /**
     * Builds the new document from the changed parts (null = unchanged); the twin version moves once per
     * operation however many parts changed. {@code desiredBody} is the notification body without $version.
     */
    private TwinUpdate commit(ObjectNode newTags, TwinSection newDesired, TwinSection newReported,
                              ObjectNode desiredBody) {
        if (newTags == null && newDesired == null && newReported == null) {
            return new TwinUpdate(this, null, false);
        }
        TwinDocument next = new TwinDocument(newTags != null ? newTags : tags,
                newDesired != null ? newDesired : desired, newReported != null ? newReported : reported,
                version + 1);
        ObjectNode notification = null;
        if (newDesired != null) {
            // A private copy: the caller may mutate it, and the document shares the patch's nodes.
            notification = desiredBody.deepCopy();
            notification.set(VERSION_KEY, TwinLimits.integer(newDesired.version()));
        }
        return new TwinUpdate(next, notification, true);
    }

    // ---- JSON shapes ------------------------------------------------------------------------------------

    private static ObjectNode sectionJson(TwinSection section, boolean withMetadata) {
        ObjectNode out = section.props().deepCopy();
        if (withMetadata) {
            out.set(METADATA_KEY, TwinMetadata.toWire(section.metadata()));
        }
        out.set(VERSION_KEY, TwinLimits.integer(section.version()));
        return out;
    }

    private static void writeSection(JsonGenerator gen, String name, TwinSection section) throws IOException {
        gen.writeObjectFieldStart(name);
        for (Map.Entry<String, JsonNode> e : section.props().properties()) {
            gen.writeFieldName(e.getKey());
            Json.MAPPER.writeTree(gen, e.getValue());
        }
        gen.writeFieldName(METADATA_KEY);
        Json.MAPPER.writeTree(gen, section.metadata());
        gen.writeNumberField(VERSION_KEY, section.version());
        gen.writeEndObject();
    }

    private static TwinSection readSection(JsonNode stored) {
        if (stored == null || !stored.isObject() || !stored.path(VERSION_KEY).canConvertToLong()
                || !(stored.get(METADATA_KEY) instanceof ObjectNode metadata)) {
            throw corrupt("missing section, $version or $metadata");
        }
        ObjectNode props = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : stored.properties()) {
            if (!e.getKey().startsWith("$")) {
                props.set(e.getKey(), e.getValue());
            }
        }
        return new TwinSection(props, metadata, stored.get(VERSION_KEY).longValue());
    }

    private static BrinkException corrupt(String why) {
        return new BrinkException(ErrorCode.ServerError, "Corrupt stored twin: " + why);
    }

    private static JsonNode orEmpty(JsonNode node) {
        return node == null || node.isNull() ? NODES.objectNode() : node;
    }
}
