package dev.brink.core.route;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/**
 * Invalid {@code $edgeHub} desired properties. The edge hub reports the message as
 * {@code lastDesiredStatus {code: 400, description}} and keeps its previous configuration.
 */
public class EdgeHubConfigException extends BrinkException {
    public EdgeHubConfigException(String message) {
        super(ErrorCode.ArgumentInvalid, message);
    }
}
