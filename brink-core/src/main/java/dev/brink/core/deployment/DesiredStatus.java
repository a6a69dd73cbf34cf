package dev.brink.core.deployment;

/** A module's desired {@code status}. */
public enum DesiredStatus {
    RUNNING("running"),
    STOPPED("stopped");

    private final String wire;

    DesiredStatus(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    static DesiredStatus parse(String path, String text) {
        for (DesiredStatus s : values()) {
            if (s.wire.equals(text)) {
                return s;
            }
        }
        throw DeploymentException.format(path, "must be \"running\" or \"stopped\", not \"" + text + "\"");
    }
}
