package dev.brink.client.service;

import dev.brink.core.error.BrinkException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds an {@link SSLContext} that trusts exactly the CA certificates of a PEM bundle (and nothing else). */
public final class PemTrust {
    private PemTrust() {
    }

    /** Reads a PEM file holding one or more CA certificates. */
    public static SSLContext fromFile(Path pemFile) {
        try {
            return fromPem(Files.readString(pemFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw BrinkException.invalid("cannot read CA certificate file " + pemFile + ": " + e.getMessage());
        }
    }

    /** @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks */
    public static SSLContext fromPem(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw BrinkException.invalid("the CA PEM holds no certificate");
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
        } catch (GeneralSecurityException | IOException e) {
            throw BrinkException.invalid("invalid CA certificate PEM: " + e.getMessage());
        }
    }
}
