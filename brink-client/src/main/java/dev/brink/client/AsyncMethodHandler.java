package dev.brink.client;

import java.util.concurrent.CompletableFuture;

/**
 * Answers a direct method later, without holding the client's dispatch thread: for relays (an edge hub
 * forwarding the call elsewhere) where an answer can take up to the caller's response timeout and other
 * methods, desired patches and messages must keep flowing meanwhile.
 */
@FunctionalInterface
public interface AsyncMethodHandler {
    /**
     * Called on the client's dispatch thread; must return quickly. A future that fails (or a null future)
     * is answered with status 500.
     */
    CompletableFuture<MethodResponse> handle(MethodRequest request);
}
