package dev.brink.client;

import dev.brink.client.service.PemTrust;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** TLS contexts from options: the caller's SSLContext, a PEM bundle to trust, or the JVM defaults. */
final class TrustStores {
    private TrustStores() {
    }

    static SSLContext contextFor(ClientOptions options) {
        if (options.sslContext() != null) {
            return options.sslContext();
        }
        if (options.trustedCaPem() != null) {
            return trusting(options.trustedCaPem());
        }
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IotHubClientException(ErrorCode.ServerError, "no default TLS context: " + e.getMessage(), e);
        }
    }

    /** A context trusting exactly the certificates in {@code pem} (one or more PEM blocks). */
    static SSLContext trusting(String pem) {
        try {
            return PemTrust.fromPem(pem);
        } catch (BrinkException e) {
            // The SDK's callers catch IotHubClientException for every refused operation.
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "cannot use the trusted CA PEM: "
                    + e.getMessage(), e);
        }
    }
}
