package dev.brink.core.error;

/**
 * The one exception type that crosses module boundaries. It carries an IoT Hub {@link ErrorCode};
 * each protocol edge (REST, MQTT, CLI) maps it once to its own wire form.
 */
public class BrinkException extends RuntimeException {
    private final ErrorCode errorCode;

    public BrinkException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public BrinkException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static BrinkException invalid(String message) {
        return new BrinkException(ErrorCode.ArgumentInvalid, message);
    }

    public static BrinkException unauthorized(String message) {
        return new BrinkException(ErrorCode.Unauthorized, message);
    }
}
