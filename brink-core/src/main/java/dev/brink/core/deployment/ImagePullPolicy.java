package dev.brink.core.deployment;

/** A module's {@code imagePullPolicy}: pull when the instance is created (default), or never pull. */
public enum ImagePullPolicy {
    ON_CREATE("on-create"),
    NEVER("never");

    private final String wire;

    ImagePullPolicy(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    static ImagePullPolicy parse(String path, String text) {
        for (ImagePullPolicy p : values()) {
            if (p.wire.equals(text)) {
                return p;
            }
        }
        throw DeploymentException.format(path, "must be \"on-create\" or \"never\", not \"" + text + "\"");
    }
}
