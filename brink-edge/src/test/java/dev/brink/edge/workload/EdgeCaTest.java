package dev.brink.edge.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import dev.brink.infra.pki.Certificates;
import dev.brink.infra.pki.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EdgeCaTest {
    @TempDir
    Path dir;

    @Test
    void createsTheCaOnceWithOwnerOnlyKeyAndReusesIt() throws Exception {
        Path caDir = dir.resolve("ca");
        EdgeCa first = EdgeCa.loadOrCreate(caDir, "edge1");

        assertThat(first.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=Brink Edge CA edge1");
        assertThat(first.certificate().getBasicConstraints()).isEqualTo(0);
        assertThat(first.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve(EdgeCa.CA_KEY))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(caDir.resolve(EdgeCa.CA_CERT))).isEqualTo(first.certificatePem());
        try (var files = Files.list(caDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(EdgeCa.CA_CERT,
                    EdgeCa.CA_KEY); // no temp files left behind
        }

        EdgeCa again = EdgeCa.loadOrCreate(caDir, "edge1");
        assertThat(again.certificate()).isEqualTo(first.certificate());
        // the reloaded key still signs certificates that chain to the same CA
        IssuedCert issued = again.issueServerCertificate("edge1.local", List.of(), List.of(), Duration.ofDays(1));
        assertThat(chainsTo(issued, first.certificate())).isTrue();
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        EdgeCa.loadOrCreate(dir.resolve("a"), "edge1");
        EdgeCa.loadOrCreate(dir.resolve("b"), "edge1");
        Files.copy(dir.resolve("b").resolve(EdgeCa.CA_KEY), dir.resolve("a").resolve(EdgeCa.CA_KEY),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> EdgeCa.loadOrCreate(dir.resolve("a"), "edge1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not the private key of");
    }

    @Test
    void replacesAnExpiredCa() {
        EdgeCa old = EdgeCa.loadOrCreate(dir, "edge1");
        Clock later = Clock.fixed(Instant.now().plus(EdgeCa.CA_VALIDITY).plus(Duration.ofDays(1)), ZoneOffset.UTC);

        EdgeCa renewed = EdgeCa.loadOrCreate(dir, "edge1", later);

        assertThat(renewed.certificate()).isNotEqualTo(old.certificate());
        assertThat(EdgeCa.loadOrCreate(dir, "edge1", later).certificate()).isEqualTo(renewed.certificate());
    }

    @Test
    void trustBundleIsTheEdgeCaPlusAddedCas() {
        EdgeCa ca = EdgeCa.loadOrCreate(dir.resolve("edge"), "edge1");
        EdgeCa hubCa = EdgeCa.loadOrCreate(dir.resolve("hub"), "hub");
        assertThat(Pem.readCertificates(ca.trustBundlePem())).containsExactly(ca.certificate());

        ca.addTrusted(hubCa.certificatePem());
        ca.addTrusted(hubCa.certificatePem()); // duplicates are ignored
        ca.addTrusted(ca.certificatePem());

        assertThat(Pem.readCertificates(ca.trustBundlePem()))
                .containsExactly(ca.certificate(), hubCa.certificate());
        assertThatThrownBy(() -> ca.addTrusted("not a certificate")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void issuesServerCertificatesWithSansChainingToTheCa() throws Exception {
        EdgeCa ca = EdgeCa.loadOrCreate(dir, "edge1");

        IssuedCert issued = ca.issueServerCertificate("edge1.example", List.of("localhost", "edgeHub"),
                List.of("127.0.0.1", "::1"), Duration.ofDays(30));

        List<X509Certificate> chain = Pem.readCertificates(issued.certificateChainPem());
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca.certificate());
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=edge1.example");
        assertThat(leaf.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1)).containsExactlyInAnyOrder(
                "edge1.example", "localhost", "edgeHub", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(issued.expiration()).isBetween(Instant.now().plus(Duration.ofDays(29)),
                Instant.now().plus(Duration.ofDays(31)));
        assertThat(Certificates.matches(leaf, Pem.readPrivateKey(issued.privateKeyPem()))).isTrue();
        assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(chainsTo(issued, ca.certificate())).isTrue();
    }

    @Test
    void theEdgeHubCertificateNamesEveryAddressClientsDial() throws Exception {
        EdgeCa ca = EdgeCa.loadOrCreate(dir, "edge1");

        IssuedCert issued = ca.issueEdgeHubCertificate("127.0.0.2", "edge1.local", EdgeCa.EDGE_HUB_CERT_VALIDITY);

        X509Certificate leaf = Pem.readCertificates(issued.certificateChainPem()).get(0);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=edge1.local");
        assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "edge1.local"),
                List.of(2, "localhost"), List.of(7, "127.0.0.2"), List.of(7, "127.0.0.1"));
        assertThat(chainsTo(issued, ca.certificate())).isTrue();

        // no gateway name: the host is the subject; a wildcard listening address is never a SAN
        assertThat(EdgeCa.edgeHubNames("127.0.0.2", null)).isEqualTo(new EdgeCa.EdgeHubNames("127.0.0.2",
                List.of("localhost"), List.of("127.0.0.2", "127.0.0.1")));
        assertThat(EdgeCa.edgeHubNames("0.0.0.0", "192.168.1.20")).isEqualTo(new EdgeCa.EdgeHubNames("192.168.1.20",
                List.of("localhost"), List.of("127.0.0.1", "192.168.1.20")));
        assertThat(EdgeCa.edgeHubNames("edge1.lan", "edge1.lan")).isEqualTo(new EdgeCa.EdgeHubNames("edge1.lan",
                List.of("edge1.lan", "localhost"), List.of("127.0.0.1")));
    }

    @Test
    void anIpCommonNameBecomesAnIpSanAndValidityStopsAtTheCaExpiry() throws Exception {
        EdgeCa ca = EdgeCa.loadOrCreate(dir, "edge1");

        IssuedCert issued = ca.issueServerCertificate("127.0.0.1", List.of(), List.of(), Duration.ofDays(100_000));

        X509Certificate leaf = Pem.readCertificates(issued.certificateChainPem()).get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
        assertThat(leaf.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
        assertThatThrownBy(() -> ca.issueServerCertificate(" ", List.of(), List.of(), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueServerCertificate("a", List.of(), List.of("nope"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueServerCertificate("a", List.of(), List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What a module does: TLS (JSSE, as Paho uses it) trusting exactly the trust bundle, via the SDK's helper. */
    @Test
    void theOfficialSdkTrustsAServerCertificateTheCaIssued() throws Exception {
        EdgeCa ca = EdgeCa.loadOrCreate(dir, "edge1");
        IssuedCert issued = ca.issueServerCertificate("localhost", List.of(), List.of("127.0.0.1"),
                Duration.ofDays(1));
        Vertx vertx = Vertx.vertx();
        try {
            NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true).setHost("127.0.0.1")
                            .setKeyCertOptions(new PemKeyCertOptions()
                                    .setKeyValue(Buffer.buffer(issued.privateKeyPem()))
                                    .setCertValue(Buffer.buffer(issued.certificateChainPem()))))
                    .connectHandler(socket -> socket.handler(socket::write));
            server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            SSLContext tls = IotHubSSLContext.getSSLContextFromString(ca.trustBundlePem());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost",
                    server.actualPort())) {
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // host name checked against the SANs
                socket.setSSLParameters(params);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write("ping".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
                assertThat(socket.getSession().getPeerCertificates()[0].getPublicKey())
                        .isEqualTo(Pem.readCertificates(issued.certificateChainPem()).get(0).getPublicKey());
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static boolean chainsTo(IssuedCert issued, X509Certificate ca) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = Pem.readCertificates(issued.certificateChainPem());
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(chain.subList(0, 1)), params);
        return true;
    }
}
