package dev.brink.edge.workload;

import dev.brink.infra.files.SecureFiles;
import dev.brink.infra.pki.Certificates;
import dev.brink.infra.pki.Pem;
import dev.brink.infra.pki.SubjectAltNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge device's CA: signs the server certificates modules ask the workload API for (the edge hub's TLS
 * certificate first of all) and heads the trust bundle modules use. Created on first start in {@code dir}
 * ({@value #CA_CERT}, {@value #CA_KEY} 0600, directory 0700) and reused afterwards; an expired CA is replaced.
 * Extra CAs (the hub's CA, a corporate root) are added at runtime with {@link #addTrusted(String)} and only
 * extend the trust bundle — they sign nothing here.
 */
public final class EdgeCa {
    public static final String CA_CERT = "edge-ca.pem";
    public static final String CA_KEY = "edge-ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);

    private static final Logger LOG = LoggerFactory.getLogger(EdgeCa.class);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String certificatePem;
    private final Clock clock;
    private final List<X509Certificate> trusted = new CopyOnWriteArrayList<>();

    private EdgeCa(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.certificatePem = Pem.of(certificate);
        this.clock = clock;
    }

    /** Loads the edge CA from {@code dir}, creating it (RSA-2048, CN {@code Brink Edge CA <deviceId>}) if absent. */
    public static EdgeCa loadOrCreate(Path dir, String edgeDeviceId) {
        return loadOrCreate(dir, edgeDeviceId, Clock.systemUTC());
    }

    static EdgeCa loadOrCreate(Path dir, String edgeDeviceId, Clock clock) {
        Objects.requireNonNull(edgeDeviceId, "edgeDeviceId");
        Objects.requireNonNull(clock, "clock");
        SecureFiles.ownerOnlyDirectory(dir);
        Path certFile = dir.resolve(CA_CERT);
        Path keyFile = dir.resolve(CA_KEY);
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            X509Certificate cert = Pem.readCertificate(SecureFiles.read(certFile));
            PrivateKey key = Pem.readPrivateKey(SecureFiles.read(keyFile));
            if (!Certificates.matches(cert, key)) {
                throw new IllegalStateException(keyFile + " is not the private key of " + certFile
                        + "; restore the pair or delete both to create a new edge CA");
            }
            if (cert.getNotAfter().toInstant().isAfter(clock.instant())) {
                return new EdgeCa(cert, key, clock);
            }
            LOG.warn("The edge CA {} expired on {}; creating a new one (modules must fetch the new trust bundle)",
                    certFile, cert.getNotAfter().toInstant());
        }
        Instant now = clock.instant();
        KeyPair keys = Certificates.newRsaKeyPair();
        X509Certificate cert = Certificates.selfSignedCa(keys, Certificates.commonName("Brink Edge CA " + edgeDeviceId),
                now, now.plus(CA_VALIDITY));
        // Key first: a crash in between leaves no certificate without its key.
        SecureFiles.writeSecret(keyFile, Pem.of(keys.getPrivate()));
        SecureFiles.writePublic(certFile, Pem.of(cert));
        LOG.info("Created edge CA {} for device {}", certFile, edgeDeviceId);
        return new EdgeCa(cert, keys.getPrivate(), clock);
    }

    /** The edge CA certificate alone (PEM). */
    public String certificatePem() {
        return certificatePem;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Adds CA certificates (one or more PEM certificates) to the trust bundle, e.g. the hub's CA so modules
     * can reach the hub directly. Certificates already in the bundle are ignored.
     *
     * @throws IllegalArgumentException when {@code pem} holds no certificate
     */
    public void addTrusted(String pem) {
        Objects.requireNonNull(pem, "pem");
        for (X509Certificate c : Pem.readCertificates(pem)) {
            synchronized (trusted) {
                if (!c.equals(certificate) && !trusted.contains(c)) {
                    trusted.add(c);
                }
            }
        }
    }

    /** The PEM bundle modules trust: the edge CA followed by every certificate added with {@link #addTrusted}. */
    public String trustBundlePem() {
        StringBuilder out = new StringBuilder(certificatePem);
        trusted.forEach(c -> out.append(Pem.of(c)));
        return out.toString();
    }

    /** How long the edge hub's server certificate is valid; a new one is issued at every start. */
    public static final Duration EDGE_HUB_CERT_VALIDITY = Duration.ofDays(90);

    /**
     * The edge hub's TLS server certificate: subject CN = the name clients dial ({@code gatewayHostName}, else
     * {@code host}), SANs for the listening host (127.0.0.2 by default), {@code localhost}, {@code 127.0.0.1} and
     * the gateway host name — so a module that was given any of these names verifies the host name. A wildcard
     * listening host (0.0.0.0, ::) is not a name anyone dials and is left out.
     */
    public IssuedCert issueEdgeHubCertificate(String host, String gatewayHostName, Duration validity) {
        EdgeHubNames names = edgeHubNames(host, gatewayHostName);
        return issueServerCertificate(names.commonName(), names.dnsNames(), names.ips(), validity);
    }

    /** The subject and SANs of the edge hub's certificate; see {@link #issueEdgeHubCertificate}. */
    public record EdgeHubNames(String commonName, List<String> dnsNames, List<String> ips) {
    }

    static EdgeHubNames edgeHubNames(String host, String gatewayHostName) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        boolean wildcard = host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        for (String name : new String[] {wildcard ? null : host, "localhost", "127.0.0.1", gatewayHostName}) {
            if (name != null && !name.isBlank()) {
                (SubjectAltNames.isIpAddress(name) ? ips : dns).add(name.trim());
            }
        }
        String cn = gatewayHostName != null && !gatewayHostName.isBlank() ? gatewayHostName.trim()
                : wildcard ? "localhost" : host;
        return new EdgeHubNames(cn, List.copyOf(dns), List.copyOf(ips));
    }

    /**
     * Issues a TLS server certificate signed by the edge CA with a fresh RSA-2048 key.
     *
     * @param commonName the subject CN; also added as a SAN (IP or DNS) because clients match SANs, not CNs
     * @param dnsNames   further DNS SANs
     * @param ips        further IP SANs (literals)
     * @param validity   requested lifetime, cut at the CA's own expiry
     * @throws IllegalArgumentException on a blank name, a malformed IP or a non-positive validity
     */
    public IssuedCert issueServerCertificate(String commonName, List<String> dnsNames, List<String> ips,
                                             Duration validity) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be empty");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ipSet = new LinkedHashSet<>();
        (SubjectAltNames.isIpAddress(commonName) ? ipSet : dns).add(commonName);
        for (String n : dnsNames == null ? List.<String>of() : dnsNames) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("DNS names must not be empty");
            }
            dns.add(n);
        }
        ipSet.addAll(ips == null ? List.of() : ips);
        Instant now = clock.instant();
        Instant caEnd = certificate.getNotAfter().toInstant();
        Instant notAfter = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
        KeyPair leafKeys = Certificates.newRsaKeyPair();
        X509Certificate leaf = Certificates.issueServer(certificate, key, leafKeys.getPublic(),
                Certificates.commonName(commonName), dns, ipSet, now, notAfter);
        return new IssuedCert(Pem.of(leaf) + certificatePem, Pem.of(leafKeys.getPrivate()),
                leaf.getNotAfter().toInstant());
    }
}
