package dev.brink.edge.hub;

/** The edge hub's lifecycle; every transition is logged. A failed start goes STARTING → STOPPING → STOPPED. */
public enum EdgeHubState {
    NEW, STARTING, RUNNING, STOPPING, STOPPED
}
