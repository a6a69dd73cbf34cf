package dev.brink.client.service;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches a hub's CA certificate from its unauthenticated {@code GET /ca} route, trusting on first use: the TLS
 * connection is not verified (the point is to obtain the trust anchor), no credential is sent, and the result
 * is only accepted if the server's own TLS certificate was signed by the returned CA. The caller should show
 * the {@link Result#sha256Fingerprint()} so that a human can compare it with the hub's.
 */
public final class CaCertificateFetcher {
    private CaCertificateFetcher() {
    }

    /** The CA PEM and its SHA-256 fingerprint ({@code AB:CD:...}). */
    public record Result(String pem, String sha256Fingerprint) {
    }

    /** @param hostAndPort {@code host[:port]} of the hub's HTTPS endpoint */
    public static Result fetch(String hostAndPort, Duration timeout) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AcceptAll()}, null);
            HttpClient http = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(timeout).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://" + hostAndPort
                    + "/ca")).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "https://" + hostAndPort + "/ca answered "
                        + response.statusCode());
            }
            X509Certificate ca = parse(response.body());
            SSLSession session = response.sslSession().orElseThrow(() -> new BrinkException(
                    ErrorCode.ServiceUnavailable, "no TLS session"));
            Certificate[] chain = session.getPeerCertificates();
            try {
                chain[0].verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new BrinkException(ErrorCode.Unauthorized, "the certificate served at https://" + hostAndPort
                        + "/ca did not sign the server's TLS certificate: refusing to trust it");
            }
            return new Result(response.body(), fingerprint(ca));
        } catch (IOException | GeneralSecurityException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "cannot fetch the CA certificate from https://"
                    + hostAndPort + "/ca: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted", e);
        }
    }

    /** SHA-256 of the DER encoding, as {@code AB:CD:...}. */
    public static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
    }

    /** The first certificate of a PEM text. */
    public static X509Certificate parse(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Trust-on-first-use only: accepts any server, which is why the result is checked against the chain. */
    private static final class AcceptAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
