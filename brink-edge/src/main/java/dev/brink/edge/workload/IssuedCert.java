package dev.brink.edge.workload;

import java.time.Instant;

/**
 * A server certificate issued by the edge CA.
 *
 * @param certificateChainPem leaf certificate followed by the edge CA certificate (PEM)
 * @param privateKeyPem       the leaf's private key (PKCS#8 PEM)
 * @param expiration          notAfter of the leaf
 */
public record IssuedCert(String certificateChainPem, String privateKeyPem, Instant expiration) {
    @Override
    public String toString() {
        return "IssuedCert[expiration=" + expiration + "]";
    }
}
