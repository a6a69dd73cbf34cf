package dev.brink.client;

/**
 * Handles a direct method on the dispatch thread. An exception becomes status 500 with
 * {@code {"message": ...}}; keep handlers short, the service caller waits (30 s by default).
 */
@FunctionalInterface
public interface MethodHandler {
    MethodResponse handle(MethodRequest request) throws Exception;
}
