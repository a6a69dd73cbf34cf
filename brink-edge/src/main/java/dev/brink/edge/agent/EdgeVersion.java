package dev.brink.edge.agent;

/** The edge runtime's version as reported. */
public final class EdgeVersion {
    public static final String VERSION = "0.1.0";

    private EdgeVersion() {
    }
}
