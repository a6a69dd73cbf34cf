package dev.brink.core.deployment;

/**
 * A module's {@code restartPolicy}. Brink's default is {@link #ALWAYS} (the reference defaults to
 * {@code on-unhealthy}, which in practice behaves like {@code on-failure}; see docs).
 */
public enum RestartPolicy {
    NEVER("never"),
    ON_FAILURE("on-failure"),
    ON_UNHEALTHY("on-unhealthy"),
    ALWAYS("always");

    public static final RestartPolicy DEFAULT = ALWAYS;

    private final String wire;

    RestartPolicy(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    static RestartPolicy parse(String path, String text) {
        for (RestartPolicy p : values()) {
            if (p.wire.equals(text)) {
                return p;
            }
        }
        throw DeploymentException.format(path,
                "must be one of never, on-failure, on-unhealthy, always, not \"" + text + "\"");
    }
}
