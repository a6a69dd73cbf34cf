package dev.brink.edge.hub.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.message.Message;
import dev.brink.edge.hub.upstream.Upstream;
import dev.brink.mqtt.TwinReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Child JVM of {@link DurableTwinCacheTest}: patches the reported properties of {@code dev1} in a loop with the hub
 * unreachable and prints {@code acked N} after each 204, until it is killed with SIGKILL.
 */
public final class TwinWriterMain {
    private TwinWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        IdentityKey who = IdentityKey.device(args[0]);
        DurableTwinCache cache = DurableTwinCache.open(Path.of(args[1]), new Offline(), (k, p) -> { },
                Clock.systemUTC());
        for (int i = 1; ; i++) {
            // each patch deletes the previous one's key (k0 is set at the hub before): nulls must reach the hub
            String patch = "{\"n\":" + i + ",\"k" + i + "\":" + i + ",\"k" + (i - 1) + "\":null}";
            TwinReply reply = cache.patchReported(who, null, patch.getBytes(StandardCharsets.UTF_8)).get();
            if (reply.status() != 204) {
                throw new IllegalStateException("status " + reply.status());
            }
            System.out.println("acked " + i);
            System.out.flush();
        }
    }

    /** The hub is down for the whole life of this process. */
    private static final class Offline implements Upstream {
        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public void onLinkChange(Consumer<Boolean> listener) {
        }

        @Override
        public CompletableFuture<Void> send(IdentityKey from, Message message) {
            return CompletableFuture.failedFuture(new IllegalStateException("offline"));
        }

        @Override
        public CompletableFuture<JsonNode> getTwin(IdentityKey who) {
            return CompletableFuture.failedFuture(new IllegalStateException("offline"));
        }

        @Override
        public CompletableFuture<Long> patchReported(IdentityKey who, ObjectNode patch) {
            return CompletableFuture.failedFuture(new IllegalStateException("offline"));
        }

        @Override
        public void onDesired(BiConsumer<IdentityKey, ObjectNode> listener) {
        }

        @Override
        public void onMethod(MethodRelay relay) {
        }

        @Override
        public void activate(IdentityKey who) {
        }

        @Override
        public void deactivate(IdentityKey who) {
        }

        @Override
        public void close() {
        }
    }
}
