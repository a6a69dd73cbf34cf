package dev.brink.client;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;

/**
 * Why the client refused or failed an operation. {@link #status()} is the HTTP-like status of the
 * {@link ErrorCode} (401 for refused credentials, 504 for timeouts, the twin response status for twin
 * errors); {@link #isRetryable()} says whether trying again later can succeed.
 */
public class IotHubClientException extends BrinkException {
    private final int status;
    private final boolean retryable;

    public IotHubClientException(ErrorCode code, String message) {
        this(code, code.httpStatus(), message, isRetryable(code), null);
    }

    public IotHubClientException(ErrorCode code, String message, Throwable cause) {
        this(code, code.httpStatus(), message, isRetryable(code), cause);
    }

    public IotHubClientException(ErrorCode code, int status, String message, boolean retryable, Throwable cause) {
        super(code, message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    public boolean isRetryable() {
        return retryable;
    }

    static IotHubClientException timeout(String what, java.time.Duration after) {
        return new IotHubClientException(ErrorCode.GatewayTimeout, what + " timed out after " + after.toSeconds()
                + " s");
    }

    static IotHubClientException invalidOperation(String message) {
        return new IotHubClientException(ErrorCode.InvalidOperation, message);
    }

    private static boolean isRetryable(ErrorCode code) {
        return switch (code) {
            case ThrottlingException, ServerError, ServiceUnavailable, GatewayTimeout, DeviceNotOnline -> true;
            default -> false;
        };
    }

    /** Unwraps {@link java.util.concurrent.CompletionException} and friends so sync methods throw typed errors. */
    static RuntimeException unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return new IotHubClientException(ErrorCode.ServerError, "unexpected failure: " + cause, cause);
    }
}
