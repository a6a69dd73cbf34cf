package dev.brink.client;

/** The connection state reported to {@link ConnectionStateListener}s. */
public enum ConnectionState {
    /** Connected and subscribed; operations go out immediately. */
    CONNECTED,
    /** The connection dropped for a retryable reason; the client reconnects with back-off and queues work. */
    DISCONNECTED_RETRYING,
    /** Not connected and not trying: closed by the application, or refused for good (e.g. bad credentials). */
    DISCONNECTED
}
