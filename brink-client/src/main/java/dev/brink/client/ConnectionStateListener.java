package dev.brink.client;

/** Receives connection state changes, in order, on the client's dispatch thread. */
@FunctionalInterface
public interface ConnectionStateListener {
    /**
     * @param reason why the state changed (the error for the two disconnected states, null on connect and
     *     when the application closed the client)
     */
    void onConnectionStateChange(ConnectionState state, IotHubClientException reason);
}
