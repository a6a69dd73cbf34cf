package dev.brink.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.mqtt.ClientIds;
import dev.brink.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection state of the edge hub's clients for {@code $edgeHub} reported {@code clients}. Connection events
 * only update memory and mark the client dirty (never block, never write); {@link #drain} turns what changed since
 * the last drain into one reported patch, so a reconnect storm is one twin write per flush interval, not one per
 * connect. Thread-safe.
 */
final class ClientTable {
    static final String CONNECTED = "Connected";
    static final String DISCONNECTED = "Disconnected";

    /** One client's state; a time is null until the first such event. */
    record ClientStatus(boolean connected, Instant lastConnected, Instant lastDisconnected) {
    }

    /** A drained patch {@code {"clients":{..}}} and the clients it covers (marked dirty again if not written). */
    record Drained(ObjectNode patch, Set<IdentityKey> clients) {
    }

    private final Map<IdentityKey, ClientStatus> clients = new ConcurrentHashMap<>();
    private final Set<IdentityKey> dirty = ConcurrentHashMap.newKeySet();

    void connected(IdentityKey key, Instant at) {
        clients.compute(key, (k, s) -> new ClientStatus(true, at, s == null ? null : s.lastDisconnected()));
        dirty.add(key);
    }

    void disconnected(IdentityKey key, Instant at) {
        clients.compute(key, (k, s) -> new ClientStatus(false, s == null ? null : s.lastConnected(), at));
        dirty.add(key);
    }

    int connectedCount() {
        int n = 0;
        for (ClientStatus s : clients.values()) {
            n += s.connected() ? 1 : 0;
        }
        return n;
    }

    ClientStatus status(IdentityKey key) {
        return clients.get(key);
    }

    /**
     * Takes over what the last run reported: clients reported {@code Connected} cannot be connected to a process
     * that just started, so they are reported {@code Disconnected} (their last times kept).
     */
    void seed(JsonNode reportedClients) {
        if (reportedClients == null || !reportedClients.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = reportedClients.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            IdentityKey key = parseClientId(e.getKey());
            JsonNode v = e.getValue();
            if (key == null || !v.isObject() || clients.containsKey(key)) {
                continue;
            }
            ClientStatus was = new ClientStatus(false, time(v.get("lastConnectedTimeUtc")),
                    time(v.get("lastDisconnectedTimeUtc")));
            if (clients.putIfAbsent(key, was) == null && CONNECTED.equals(v.path("status").asText())) {
                dirty.add(key);
            }
        }
    }

    /** Everyone is disconnected now (the edge hub stops). */
    void disconnectAll(Instant at) {
        for (IdentityKey key : List.copyOf(clients.keySet())) {
            if (clients.get(key).connected()) {
                disconnected(key, at);
            }
        }
    }

    /** What changed since the last drain, or null when nothing did. */
    Drained drain() {
        if (dirty.isEmpty()) {
            return null;
        }
        ObjectNode patch = Json.object();
        ObjectNode out = patch.putObject("clients");
        List<IdentityKey> taken = new ArrayList<>();
        for (IdentityKey key : List.copyOf(dirty)) {
            dirty.remove(key); // before reading: a change from now on marks it dirty again
            ClientStatus s = clients.get(key);
            if (s != null) {
                ObjectNode c = out.putObject(clientId(key));
                c.put("status", s.connected() ? CONNECTED : DISCONNECTED);
                putTime(c, "lastConnectedTimeUtc", s.lastConnected());
                putTime(c, "lastDisconnectedTimeUtc", s.lastDisconnected());
                taken.add(key);
            }
        }
        return taken.isEmpty() ? null : new Drained(patch, Set.copyOf(taken));
    }

    /** A drained patch could not be written: report these clients again next time. */
    void markDirty(Set<IdentityKey> keys) {
        dirty.addAll(keys);
    }

    /** {@code {d}} or {@code {d}/{m}}, the MQTT client id (reference: {@code clients.{id}}). */
    static String clientId(IdentityKey key) {
        return key.isModule() ? key.deviceId() + "/" + key.moduleId() : key.deviceId();
    }

    static IdentityKey parseClientId(String id) {
        return ClientIds.parse(id);
    }

    private static void putTime(ObjectNode node, String field, Instant t) {
        if (t != null) {
            node.put(field, t.toString());
        }
    }

    private static Instant time(JsonNode n) {
        try {
            return n == null || !n.isTextual() ? null : Instant.parse(n.asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
