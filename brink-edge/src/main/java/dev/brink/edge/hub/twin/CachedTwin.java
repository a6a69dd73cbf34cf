package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;

/**
 * One identity's row of {@code twins.db}: the hub's twin as last seen plus the edge's unsent reported changes.
 * Immutable; nodes are never mutated once in a record.
 *
 * @param desired      the hub's desired section with {@code $version}, null when the hub's twin was never fetched
 * @param reported     the hub's reported section with {@code $version} as far as the edge knows it (what it fetched,
 *                     plus the patches it has pushed since), null when never fetched nor pushed
 * @param localVersion the reported {@code $version} the edge answers its clients: +1 per changing local patch,
 *                     never lower than the hub's, never going backwards
 * @param pending      the cumulative reported patch not yet sent (explicit nulls kept), or null
 * @param inflight     the patch being sent (moved from {@code pending} when a send starts), or null
 */
record CachedTwin(IdentityKey key, ObjectNode desired, ObjectNode reported, long localVersion, ObjectNode pending,
        ObjectNode inflight) {

    /** A row for an identity the edge knows nothing about yet: an empty twin at version 0. */
    static CachedTwin fresh(IdentityKey key) {
        return new CachedTwin(key, null, null, 0, null, null);
    }

    /** The reported properties the hub will hold once the in-flight patch has landed. */
    ObjectNode base() {
        ObjectNode hub = TwinPatches.props(reported);
        return inflight == null ? hub : TwinPatches.apply(hub, inflight);
    }

    /** The reported properties the edge's clients see: the hub's, then the in-flight and pending patches. */
    ObjectNode localReported() {
        ObjectNode base = base();
        return pending == null ? base : TwinPatches.apply(base, pending);
    }

    /** The device GET body, shaped like the hub's: {@code {"desired":{..,"$version":N},"reported":{..,"$version":M}}}. */
    ObjectNode deviceJson() {
        ObjectNode out = Json.object();
        out.set("desired", desired == null ? TwinPatches.section(Json.object(), 0) : desired.deepCopy());
        out.set("reported", TwinPatches.section(localReported(), localVersion));
        return out;
    }

    boolean hasUnsent() {
        return pending != null || inflight != null;
    }

    /** The hub's twin as just fetched: it replaces the cached copy (hub wins); unsent local patches stay. */
    CachedTwin withHubTwin(ObjectNode hubDesired, ObjectNode hubReported) {
        ObjectNode d = TwinPatches.section(TwinPatches.props(hubDesired), Math.max(0, TwinPatches.version(hubDesired)));
        long hubReportedVersion = Math.max(0, TwinPatches.version(hubReported));
        ObjectNode r = TwinPatches.section(TwinPatches.props(hubReported), hubReportedVersion);
        return new CachedTwin(key, d, r, Math.max(localVersion, hubReportedVersion), pending, inflight);
    }

    CachedTwin withDesired(ObjectNode newDesired) {
        return new CachedTwin(key, newDesired, reported, localVersion, pending, inflight);
    }

    CachedTwin withPending(ObjectNode newPending, long newLocalVersion) {
        return new CachedTwin(key, desired, reported, newLocalVersion, newPending, inflight);
    }

    /** Starts a send: the pending patch becomes the in-flight one (unless one is still in flight: resend it first). */
    CachedTwin startSend() {
        return inflight != null || pending == null ? this
                : new CachedTwin(key, desired, reported, localVersion, null, pending);
    }

    /** The in-flight patch reached the hub, which answered {@code hubVersion}: fold it into the hub's copy. */
    CachedTwin landed(long hubVersion) {
        ObjectNode r = TwinPatches.section(base(), Math.max(hubVersion, TwinPatches.version(reported)));
        return new CachedTwin(key, desired, r, Math.max(localVersion, hubVersion), pending, null);
    }

    /** The hub refused the in-flight patch for good: drop it (the next fetch of the twin shows the hub's truth). */
    CachedTwin dropInflight() {
        return new CachedTwin(key, desired, reported, localVersion, pending, null);
    }
}
