package dev.brink.hub.rest;

import dev.brink.hub.security.HubCertificates;
import io.vertx.ext.web.Router;

/**
 * {@code GET /ca} → the hub's CA certificate (PEM, {@code application/x-pem-file}), <b>without</b>
 * authentication or api-version: the CA certificate is public (it is what clients must trust), and a client
 * that does not trust the hub yet should not send a SAS token over a TLS connection it cannot verify. A client
 * fetching it this way is trusting on first use: it should check that the server's TLS certificate chains to
 * the returned CA and show its fingerprint ({@code brink hub ca --server} does both). Mounted ahead of the REST
 * frame, like the MQTT WebSocket route.
 */
public final class CaCertificateApi {
    public static final String PATH = "/ca";
    public static final String CONTENT_TYPE = "application/x-pem-file";

    private final HubCertificates certificates;

    public CaCertificateApi(HubCertificates certificates) {
        this.certificates = certificates;
    }

    public void mount(Router router) {
        router.get(PATH).order(-999).handler(ctx -> ctx.response().setStatusCode(200)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(certificates.caCertificatePem()));
    }
}
