package dev.brink.core.error;

/**
 * IoT Hub error codes with their HTTP status. The numeric code is what the official SDKs read from the
 * error body ({@code errorCode}); the name is what appears in {@code ErrorCode:Name;message} texts.
 */
public enum ErrorCode {
    InvalidProtocolVersion(400, 400001),
    InvalidOperation(400, 400003),
    ArgumentInvalid(400, 400004),
    ArgumentNull(400, 400005),
    IotHubFormatError(400, 400006),
    Unauthorized(401, 401002),
    IotHubQuotaExceeded(403, 403002),
    DeviceMaximumQueueDepthExceeded(403, 403004),
    DeviceNotFound(404, 404001),
    ModuleNotFound(404, 404010),
    DeviceNotOnline(404, 404103),
    NotFound(404, 404000),
    DeviceAlreadyExists(409, 409001),
    ModuleAlreadyExistsOnDevice(409, 409301),
    PreconditionFailed(412, 412001),
    MessageTooLarge(413, 413001),
    ThrottlingException(429, 429001),
    ServerError(500, 500001),
    ServiceUnavailable(503, 503001),
    GatewayTimeout(504, 504101);

    private final int httpStatus;
    private final int code;

    ErrorCode(int httpStatus, int code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The six-digit IoT Hub code, e.g. 404001. */
    public int code() {
        return code;
    }
}
