package dev.brink.mqtt;

import dev.brink.core.id.IdentityKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A small in-memory {@link ProtocolBackend} for testing the head on its own: the backend is the SPI under test's
 * other side, so the test writes one instead of standing up the hub. Password {@code "secret"} authenticates any
 * {@code {d}} or {@code {d}/{m}}; {@link #onAccept} decides what each device-to-cloud message gets.
 */
final class MemoryBackend implements ProtocolBackend {
    static final String PASSWORD = "secret";

    final List<InboundMessage> accepted = new CopyOnWriteArrayList<>();
    final MemoryDeliveries deliveries = new MemoryDeliveries();
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile BiFunction<IdentityKey, InboundMessage, CompletableFuture<Void>> onAccept = (k, m) -> {
        accepted.add(m);
        return CompletableFuture.completedFuture(null);
    };
    private final Map<String, Map<String, Integer>> sessions = new ConcurrentHashMap<>();

    @Override
    public Authentication authenticate(String clientId, String username, String password) {
        if (username == null || password == null) {
            return Authentication.refused(ConnectRefusal.BAD_USERNAME_OR_PASSWORD, "no password");
        }
        String[] parts = clientId.split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            return Authentication.refused(ConnectRefusal.IDENTIFIER_REJECTED, "bad client id");
        }
        if (!PASSWORD.equals(password)) {
            return Authentication.refused(ConnectRefusal.NOT_AUTHORIZED, "wrong password");
        }
        IdentityKey key = parts.length == 1 ? IdentityKey.device(parts[0]) : IdentityKey.module(parts[0], parts[1]);
        return Authentication.accepted(key, Instant.now().plusSeconds(3600).getEpochSecond());
    }

    @Override
    public SessionStore sessions() {
        return new SessionStore() {
            @Override
            public Map<String, Integer> load(String clientId) {
                return Map.copyOf(sessions.getOrDefault(clientId, Map.of()));
            }

            @Override
            public void clear(String clientId) {
                sessions.remove(clientId);
            }

            @Override
            public CompletableFuture<Void> add(String clientId, Map<String, Integer> subscriptions) {
                sessions.computeIfAbsent(clientId, c -> new ConcurrentHashMap<>()).putAll(subscriptions);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> remove(String clientId, Collection<String> filters) {
                sessions.getOrDefault(clientId, new ConcurrentHashMap<>()).keySet().removeAll(filters);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @Override
    public CompletableFuture<Void> accept(IdentityKey from, InboundMessage message) {
        return onAccept.apply(from, message);
    }

    @Override
    public CompletableFuture<TwinReply> getTwin(IdentityKey who) {
        byte[] body = "{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}".getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.completedFuture(new TwinReply(200, null, body));
    }

    @Override
    public CompletableFuture<TwinReply> patchReported(IdentityKey who, Long expectedVersion, byte[] patch) {
        return CompletableFuture.completedFuture(new TwinReply(204, 2L, new byte[0]));
    }

    @Override
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public ConnectionListener connectionListener() {
        return new ConnectionListener() {
            @Override
            public void connected(IdentityKey key) {
                events.add("connected " + key);
            }

            @Override
            public void disconnected(IdentityKey key) {
                events.add("disconnected " + key);
            }

            @Override
            public void active(IdentityKey key) {
            }
        };
    }

    /** Pending deliveries per identity, in order, until acknowledged; counts publishes. */
    static final class MemoryDeliveries implements Deliveries {
        private final Map<IdentityKey, LinkedHashMap<String, Delivery>> pending = new ConcurrentHashMap<>();
        final Map<String, Integer> deliveryCounts = new ConcurrentHashMap<>();
        final List<String> acknowledged = new CopyOnWriteArrayList<>();

        void add(IdentityKey to, Delivery d) {
            synchronized (this) {
                pending.computeIfAbsent(to, k -> new LinkedHashMap<>()).put(d.id(), d);
            }
        }

        synchronized int pendingCount(IdentityKey to) {
            return pending.getOrDefault(to, new LinkedHashMap<>()).size();
        }

        @Override
        public synchronized List<Delivery> pending(IdentityKey to) {
            return new ArrayList<>(pending.getOrDefault(to, new LinkedHashMap<>()).values());
        }

        @Override
        public void delivering(IdentityKey to, String id) {
            deliveryCounts.merge(id, 1, Integer::sum);
        }

        @Override
        public CompletableFuture<Void> acknowledged(IdentityKey to, String id) {
            synchronized (this) {
                LinkedHashMap<String, Delivery> map = pending.get(to);
                if (map != null) {
                    map.remove(id);
                }
            }
            acknowledged.add(id);
            return CompletableFuture.completedFuture(null);
        }
    }
}
