package dev.brink.hub.security;

import dev.brink.infra.files.SecureFiles;
import dev.brink.infra.pki.Certificates;
import dev.brink.infra.pki.Pem;
import dev.brink.infra.pki.SubjectAltNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's private CA and its TLS server certificate, kept as PEM files in {@code dataDir/certs}:
 * {@code ca.pem} / {@code ca.key} and {@code server.pem} (server certificate followed by the CA) /
 * {@code server.key}; keys are 0600. The CA is created once and reused; the server certificate is re-issued
 * whenever the configured names change, it is not signed by the current CA, or it expires within 30 days.
 * Clients trust {@link #caCertificatePem()} only.
 */
public final class HubCertificates {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server.key";
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);

    private static final Logger LOG = LoggerFactory.getLogger(HubCertificates.class);

    private final Path dir;
    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final String caPem;
    private final String serverChainPem;
    private final String serverKeyPem;

    /** A certificate with its private key and PEM text. */
    private record Issued(X509Certificate certificate, PrivateKey key, String pem) {
    }

    private HubCertificates(Path dir, X509Certificate ca, X509Certificate server, String caPem,
            String serverChainPem, String serverKeyPem) {
        this.dir = dir;
        this.caCertificate = ca;
        this.serverCertificate = server;
        this.caPem = caPem;
        this.serverChainPem = serverChainPem;
        this.serverKeyPem = serverKeyPem;
    }

    /**
     * Loads the CA and server certificate from {@code dir}, creating what is missing or stale.
     *
     * @param dnsNames the DNS subject alternative names the server certificate must carry
     * @param ipAddresses the IP subject alternative names the server certificate must carry
     */
    public static HubCertificates loadOrCreate(Path dir, Set<String> dnsNames, Set<String> ipAddresses, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        SecureFiles.createDirectories(dir);
        Issued ca = loadOrCreateCa(dir, clock);
        String serverKeyPem;
        X509Certificate server = null;
        Path certFile = dir.resolve(SERVER_CERT);
        Path keyFile = dir.resolve(SERVER_KEY);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            server = Pem.readCertificate(SecureFiles.read(certFile));
            String stale = staleReason(server, ca.certificate(), dnsNames, ipAddresses, clock);
            if (stale != null) {
                LOG.info("Re-issuing the hub server certificate: {}", stale);
                server = null;
            }
        }
        if (server == null) {
            KeyPair keys = Certificates.newRsaKeyPair();
            server = issueServer(ca, keys, dnsNames, ipAddresses, clock);
            SecureFiles.writeSecret(keyFile, Pem.of(keys.getPrivate()));
            SecureFiles.writePublic(certFile, Pem.of(server) + ca.pem());
            LOG.info("Issued hub server certificate for DNS {} and IP {}", dnsNames, ipAddresses);
        }
        serverKeyPem = SecureFiles.read(keyFile);
        return new HubCertificates(dir, ca.certificate(), server, ca.pem(),
                Pem.of(server) + ca.pem(), serverKeyPem);
    }

    /** The CA certificate in PEM: what clients must trust. */
    public String caCertificatePem() {
        return caPem;
    }

    public Path caCertificatePath() {
        return dir.resolve(CA_CERT);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** Key and certificate chain for Vert.x TLS servers (HTTPS now, MQTT later). */
    public PemKeyCertOptions keyCertOptions() {
        return new PemKeyCertOptions()
                .setKeyValue(Buffer.buffer(serverKeyPem))
                .setCertValue(Buffer.buffer(serverChainPem));
    }

    private static Issued loadOrCreateCa(Path dir, Clock clock) {
        Path certFile = dir.resolve(CA_CERT);
        Path keyFile = dir.resolve(CA_KEY);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            String pem = SecureFiles.read(certFile);
            PrivateKey key = Pem.readPrivateKey(SecureFiles.read(keyFile));
            return new Issued(Pem.readCertificate(pem), key, pem);
        }
        KeyPair keys = Certificates.newRsaKeyPair();
        X500Name subject = new X500Name("CN=Brink Hub CA " + Long.toHexString(Certificates.randomId()) + ",O=Brink");
        Instant now = clock.instant();
        X509Certificate ca = Certificates.selfSignedCa(keys, subject, now, now.plus(CA_VALIDITY));
        String pem = Pem.of(ca);
        SecureFiles.writeSecret(keyFile, Pem.of(keys.getPrivate()));
        SecureFiles.writePublic(certFile, pem);
        LOG.info("Created hub CA {}", certFile);
        return new Issued(ca, keys.getPrivate(), pem);
    }

    /** The server certificate: CN = the first DNS name (or "brink-hub"), O = Brink. */
    private static X509Certificate issueServer(Issued ca, KeyPair keys, Set<String> dnsNames, Set<String> ipAddresses,
            Clock clock) {
        String cn = dnsNames.isEmpty() ? "brink-hub" : dnsNames.iterator().next();
        Instant now = clock.instant();
        return Certificates.issueServer(ca.certificate(), ca.key(), keys.getPublic(),
                new X500Name("CN=" + cn + ",O=Brink"), dnsNames, ipAddresses, now, now.plus(SERVER_VALIDITY));
    }

    /** Why the existing server certificate cannot be reused, or null when it can. */
    private static String staleReason(X509Certificate server, X509Certificate ca, Set<String> dnsNames,
            Set<String> ipAddresses, Clock clock) {
        if (!Certificates.isSignedBy(server, ca)) {
            return "it is not signed by the current CA";
        }
        if (server.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
            return "it expires on " + server.getNotAfter().toInstant();
        }
        Set<String> haveDns = SubjectAltNames.dnsNames(server);
        Set<String> haveIps = SubjectAltNames.ipAddresses(server);
        Set<String> wantDns = SubjectAltNames.normaliseDns(dnsNames);
        Set<String> wantIps = SubjectAltNames.normaliseIps(ipAddresses);
        if (!haveDns.equals(wantDns) || !haveIps.equals(wantIps)) {
            return "its names changed from DNS " + haveDns + " IP " + haveIps + " to DNS " + wantDns + " IP " + wantIps;
        }
        return null;
    }
}
