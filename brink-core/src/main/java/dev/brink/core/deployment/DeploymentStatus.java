package dev.brink.core.deployment;

/**
 * The {@code lastDesiredStatus} the edge agent reports (reference §2.1, {@code DeploymentStatusCode}).
 *
 * @param code        200 Successful, 400 ConfigFormatError, 406 Unknown (agent not running / not connected),
 *                    412 InvalidSchemaVersion, 417 ConfigEmptyError, 500 Failed (a plan step failed)
 * @param description what went wrong, naming the field or module; empty when successful
 */
public record DeploymentStatus(int code, String description) {
    public static final int SUCCESSFUL = 200;
    public static final int CONFIG_FORMAT_ERROR = 400;
    public static final int UNKNOWN = 406;
    public static final int INVALID_SCHEMA_VERSION = 412;
    public static final int CONFIG_EMPTY_ERROR = 417;
    public static final int FAILED = 500;

    public DeploymentStatus {
        description = description == null ? "" : description;
    }

    public static DeploymentStatus successful() {
        return new DeploymentStatus(SUCCESSFUL, "");
    }

    public static DeploymentStatus failed(String description) {
        return new DeploymentStatus(FAILED, description);
    }

    public boolean isSuccessful() {
        return code == SUCCESSFUL;
    }
}
