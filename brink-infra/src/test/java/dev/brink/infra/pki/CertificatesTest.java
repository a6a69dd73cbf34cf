package dev.brink.infra.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CertificatesTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final KeyPair CA_KEYS = Certificates.newRsaKeyPair();
    private static final X509Certificate CA = Certificates.selfSignedCa(CA_KEYS,
            Certificates.commonName("Test CA, with a comma"), NOW, NOW.plus(Duration.ofDays(10)));

    @Test
    void aCaIsSelfSignedBackdatedAndSignsLeavesOnly() throws Exception {
        CA.verify(CA.getPublicKey());
        assertThat(CA.getSubjectX500Principal().getName()).isEqualTo("CN=Test CA\\, with a comma");
        assertThat(CA.getBasicConstraints()).isZero();
        assertThat(CA.getKeyUsage()[5]).isTrue(); // keyCertSign
        assertThat(CA.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(CA.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(10)));
        assertThat(CA.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void serverCertificatesCarryTheirSansAndChainToTheCa() throws Exception {
        KeyPair keys = Certificates.newRsaKeyPair();
        X509Certificate server = Certificates.issueServer(CA, CA_KEYS.getPrivate(), keys.getPublic(),
                Certificates.commonName("host.example"), List.of("host.example", "Other.Example"),
                List.of("127.0.0.1", "::1"), NOW, NOW.plus(Duration.ofDays(1)));
        assertThat(Certificates.isSignedBy(server, CA)).isTrue();
        assertThat(Certificates.isSignedBy(CA, server)).isFalse();
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(SubjectAltNames.dnsNames(server)).containsExactly("host.example", "other.example");
        assertThat(SubjectAltNames.ipAddresses(server))
                .isEqualTo(SubjectAltNames.normaliseIps(Set.of("0:0:0:0:0:0:0:1", "127.0.0.1")));
        assertThat(Certificates.matches(server, keys.getPrivate())).isTrue();
        assertThat(Certificates.matches(server, CA_KEYS.getPrivate())).isFalse();
    }

    @Test
    void aMalformedIpIsRefused() {
        KeyPair keys = Certificates.newRsaKeyPair();
        assertThatThrownBy(() -> Certificates.issueServer(CA, CA_KEYS.getPrivate(), keys.getPublic(),
                Certificates.commonName("x"), List.of(), List.of("not-an-ip"), NOW, NOW.plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pemRoundTrips() {
        KeyPair keys = Certificates.newRsaKeyPair();
        String keyPem = Pem.of(keys.getPrivate());
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.readPrivateKey(keyPem)).isEqualTo(keys.getPrivate());
        String bundle = Pem.of(CA) + Pem.of(CA);
        assertThat(Pem.readCertificates(bundle)).containsExactly(CA, CA);
        assertThat(Pem.readCertificate(bundle)).isEqualTo(CA);
        assertThatThrownBy(() -> Pem.readCertificates("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.readPrivateKey(Pem.of(CA))).isInstanceOf(IllegalArgumentException.class);
    }
}
