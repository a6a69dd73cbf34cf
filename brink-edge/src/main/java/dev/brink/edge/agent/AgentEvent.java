package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.edge.runtime.InstanceStatus;
import java.util.concurrent.CompletableFuture;

/** What wakes the reconciler. Everything that may change the plan arrives as one of these, on one queue. */
sealed interface AgentEvent {
    /** The full desired properties of {@code $edgeAgent} (after a twin GET or a patch merged locally). */
    record Desired(ObjectNode desired) implements AgentEvent {
    }

    /** An instance stopped (by itself or because we stopped it). */
    record Exited(InstanceStatus status) implements AgentEvent {
    }

    /** A scheduled restart may be due. */
    record Wake() implements AgentEvent {
    }

    /** Connected (again) to the hub: report everything that is pending, retry identity deletes. */
    record Connected(ObjectNode reportedBaseline) implements AgentEvent {
    }

    /** A report finished; {@code sent} is the document it made current, or null when it failed. */
    record ReportDone(ObjectNode sent) implements AgentEvent {
    }

    /** RestartModule (direct method or management API). */
    record RestartRequested(String module, CompletableFuture<Void> done) implements AgentEvent {
    }
}
