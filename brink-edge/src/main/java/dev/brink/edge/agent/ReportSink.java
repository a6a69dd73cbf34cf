package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/** Where reported-property patches go (the hub link); lets the reconciler be tested without a hub. */
public interface ReportSink {
    boolean isConnected();

    /** Sends a reported-properties merge patch; completes when the hub accepted it. */
    CompletableFuture<?> send(ObjectNode patch);
}
