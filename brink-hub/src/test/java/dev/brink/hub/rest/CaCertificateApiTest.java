package dev.brink.hub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GET /ca: the CA certificate, without authentication or api-version (it is public). */
@Timeout(60)
class CaCertificateApiTest {
    @Test
    void theCaCertificateIsServedWithoutAuthentication() {
        try (TestHub hub = TestHub.start(b -> b.mqttPort(0))) {
            HttpResponse<String> r = hub.send("GET", "/ca?api-version=", null, "Authorization", "");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(CaCertificateApi.CONTENT_TYPE);
            assertThat(r.body()).isEqualTo(hub.hub().caCertificatePem());
            // nothing else became anonymous
            assertThat(hub.send("GET", "/devices", null, "Authorization", "").statusCode()).isEqualTo(401);
        }
    }
}
