package dev.brink.mqtt;

import dev.brink.infra.pki.Certificates;
import dev.brink.infra.pki.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A throwaway CA and a server certificate for 127.0.0.1, made once per test JVM. */
final class TestTls {
    private static final TestTls INSTANCE = create();

    final PemKeyCertOptions serverCertificate;
    final SSLContext clientContext;

    private TestTls(PemKeyCertOptions serverCertificate, SSLContext clientContext) {
        this.serverCertificate = serverCertificate;
        this.clientContext = clientContext;
    }

    static TestTls get() {
        return INSTANCE;
    }

    private static TestTls create() {
        try {
            Instant now = Instant.now();
            Instant until = now.plus(Duration.ofDays(1));
            KeyPair caKeys = Certificates.newRsaKeyPair();
            X509Certificate ca = Certificates.selfSignedCa(caKeys, Certificates.commonName("brink-mqtt test CA"), now,
                    until);
            KeyPair serverKeys = Certificates.newRsaKeyPair();
            X509Certificate server = Certificates.issueServer(ca, caKeys.getPrivate(), serverKeys.getPublic(),
                    Certificates.commonName("localhost"), List.of("localhost"), List.of("127.0.0.1"), now, until);
            PemKeyCertOptions pem = new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(Pem.of(serverKeys.getPrivate())))
                    .setCertValue(Buffer.buffer(Pem.of(server) + Pem.of(ca)));
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return new TestTls(pem, context);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificates", e);
        }
    }
}
