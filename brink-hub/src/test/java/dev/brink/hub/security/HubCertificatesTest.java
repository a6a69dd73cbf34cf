package dev.brink.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.hub.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCertificatesTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    private HubCertificates load(HubConfig config) {
        return HubCertificates.loadOrCreate(dir, config.certificateDnsNames(), config.certificateIpAddresses(), clock);
    }

    @Test
    void createsCaAndServerCertificateWithConfiguredNames() throws Exception {
        HubConfig config = HubConfig.builder().hubHostName("hub.example.test").addSanDnsName("edge.local")
                .addSanIpAddress("127.0.0.2").build();
        HubCertificates certs = load(config);

        X509Certificate ca = certs.caCertificate();
        X509Certificate server = certs.serverCertificate();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        server.verify(ca.getPublicKey());
        server.checkValidity();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(sans(server, 2)).containsExactlyInAnyOrder("localhost", "hub.example.test", "edge.local");
        assertThat(sans(server, 7)).containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1", "127.0.0.2");
        assertThat(certs.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(certs.caCertificatePath())).isEqualTo(certs.caCertificatePem());
    }

    @Test
    void keysAreOwnerOnlyAndCertificatesArePublic() throws Exception {
        load(HubConfig.builder().build());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(HubCertificates.CA_KEY))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(HubCertificates.SERVER_KEY))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(HubCertificates.CA_CERT))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(dir.resolve(HubCertificates.SERVER_KEY))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void restartReusesCaAndServerCertificate() {
        HubConfig config = HubConfig.builder().build();
        HubCertificates first = load(config);
        HubCertificates second = load(config);
        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate()).isEqualTo(first.serverCertificate());
    }

    @Test
    void changedNamesReissueServerCertificateUnderTheSameCa() throws Exception {
        HubCertificates first = load(HubConfig.builder().build());
        HubCertificates second = load(HubConfig.builder().addSanDnsName("new.example.test").build());
        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate().getSerialNumber()).isNotEqualTo(first.serverCertificate().getSerialNumber());
        assertThat(sans(second.serverCertificate(), 2)).contains("new.example.test");
        second.serverCertificate().verify(first.caCertificate().getPublicKey());
        // and the new names stick: a third start with the same config reuses the re-issued certificate
        HubCertificates third = load(HubConfig.builder().addSanDnsName("new.example.test").build());
        assertThat(third.serverCertificate()).isEqualTo(second.serverCertificate());
    }

    @Test
    void ipv6SpellingsDoNotForceReissue() {
        HubCertificates first = load(HubConfig.builder().addSanIpAddress("::2").build());
        HubCertificates second = HubCertificates.loadOrCreate(dir, HubConfig.builder().build().certificateDnsNames(),
                Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:2"), clock);
        assertThat(second.serverCertificate()).isEqualTo(first.serverCertificate());
    }

    private static Set<String> sans(X509Certificate cert, int type) throws Exception {
        Set<String> out = new TreeSet<>();
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
            if ((Integer) entry.get(0) == type) {
                out.add((String) entry.get(1));
            }
        }
        return out;
    }
}
