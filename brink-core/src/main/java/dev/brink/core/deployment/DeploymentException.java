package dev.brink.core.deployment;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/**
 * A deployment the agent refuses. Carries the {@link DeploymentStatus} to report (400, 412 or 417) with a
 * description that names the offending field path, e.g. {@code modules.sensor.settings.image is required}.
 */
public final class DeploymentException extends BrinkException {
    private final transient DeploymentStatus status;

    public DeploymentException(int statusCode, String description) {
        super(ErrorCode.ArgumentInvalid, description);
        this.status = new DeploymentStatus(statusCode, description);
    }

    public DeploymentStatus status() {
        return status;
    }

    static DeploymentException format(String path, String problem) {
        return new DeploymentException(DeploymentStatus.CONFIG_FORMAT_ERROR, path + " " + problem);
    }
}
