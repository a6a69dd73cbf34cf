package dev.brink.client;

import dev.brink.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new IotHubClientException(ErrorCode.ArgumentInvalid, "the trusted CA PEM holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "cannot read the trusted CA PEM: "
                    + e.getMessage(), e);
        }
    }
}
