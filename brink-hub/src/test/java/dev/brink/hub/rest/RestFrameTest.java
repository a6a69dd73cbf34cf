package dev.brink.hub.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.HubConfig;
import dev.brink.hub.security.AccessPolicies;
import dev.brink.hub.security.AccessPolicy;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.security.ServiceAuthenticator;
import dev.brink.hub.testing.TestHub;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS frame over real TLS, with test-only resource routes (independent of ServiceApi). */
class RestFrameTest {
    private static final String HOST = "127.0.0.1";

    @TempDir
    static Path dir;

    static Vertx vertx;
    static RestServer server;
    static AccessPolicies policies;
    static HubCertificates certs;
    static HttpClient client;
    static int port;

    @BeforeAll
    static void start() {
        HubConfig config = HubConfig.builder().dataDir(dir).build();
        certs = HubCertificates.loadOrCreate(dir.resolve("certs"), config.certificateDnsNames(),
                config.certificateIpAddresses(), Clock.systemUTC());
        policies = AccessPolicies.loadOrCreate(dir.resolve("policies.json"));
        vertx = Vertx.vertx();
        server = new RestServer(vertx, certs, new ServiceAuthenticator(policies, HOST, Clock.systemUTC()));
        server.router().get("/devices/:id").handler(ctx -> RestResponses.respond(ctx, 200, () -> {
            if (ctx.pathParam("id").equals("missing")) {
                throw new BrinkException(ErrorCode.DeviceNotFound, "Device missing not found");
            }
            if (ctx.pathParam("id").equals("boom")) {
                throw new IllegalStateException("secret internal detail");
            }
            return Json.object().put("deviceId", ctx.pathParam("id"))
                    .put("worker", !Thread.currentThread().getName().contains("eventloop"));
        }));
        server.router().put("/devices/:id").handler(ctx -> RestResponses.json(ctx, 200,
                Json.object().put("length", ctx.body().length())));
        server.router().patch("/twins/:id").handler(ctx -> RestResponses.json(ctx, 200, Json.object()
                .put("method", ctx.request().method().name()).put("body", ctx.body().asString())
                .put("apiVersion", ctx.request().getParam("api-version"))
                .put("policy", RestServer.policy(ctx).keyName())));
        port = server.listen(HOST, 0);
        client = HttpClient.newBuilder().sslContext(TestHub.sslContextTrusting(certs.caCertificatePem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String token(String policy) {
        AccessPolicy p = policies.get(policy);
        return SasTokens.create(HOST, p.primaryKey(), Instant.now().getEpochSecond() + 3600, p.keyName());
    }

    private static HttpResponse<String> send(HttpClient c, String method, String pathAndQuery, String body,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + HOST + ":" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
        return authorization == null ? send(client, "GET", pathAndQuery, null)
                : send(client, "GET", pathAndQuery, null, "Authorization", authorization);
    }

    /** The inner object of the IoT Hub error envelope. */
    private static JsonNode inner(HttpResponse<String> response) {
        JsonNode outer = Json.parse(response.body());
        assertThat(outer.has("ExceptionMessage")).isTrue();
        return Json.parse(outer.get("Message").asText());
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(RestErrors.JSON_UTF8);
        JsonNode inner = inner(response);
        assertThat(inner.get("errorCode").asInt()).isEqualTo(code);
        assertThat(inner.get("trackingId").asText()).isNotBlank();
        assertThat(inner.get("timestampUtc").asText()).endsWith("Z");
        assertThat(RestErrors.humanMessage(response.body())).contains(messagePart);
    }

    @Test
    void authenticatedRequestRunsOffTheEventLoopAndAnswersJson() throws Exception {
        HttpResponse<String> r = get("/devices/d1?api-version=2021-04-12", token("iothubowner"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(RestErrors.JSON_UTF8);
        java.time.ZonedDateTime date = java.time.ZonedDateTime.parse(r.headers().firstValue("Date").orElseThrow(),
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(java.time.Duration.between(date.toInstant(), java.time.Instant.now()).abs())
                .isLessThan(java.time.Duration.ofMinutes(1));
        assertThat(Json.parse(r.body()).get("deviceId").asText()).isEqualTo("d1");
        assertThat(Json.parse(r.body()).get("worker").asBoolean()).isTrue();
    }

    @Test
    void missingAuthorizationIs401WithIotHubEnvelope() throws Exception {
        assertError(get("/devices/d1?api-version=1", null), 401, 401002, "Authorization header is missing");
    }

    @Test
    void badTokensAre401() throws Exception {
        AccessPolicy owner = policies.get("iothubowner");
        long later = Instant.now().getEpochSecond() + 3600;
        String wrongKey = SasTokens.create(HOST, policies.get("service").primaryKey(), later, "iothubowner");
        String expired = SasTokens.create(HOST, owner.primaryKey(), Instant.now().getEpochSecond() - 3600, "iothubowner");
        String unknownPolicy = SasTokens.create(HOST, owner.primaryKey(), later, "nobody");
        String otherHost = SasTokens.create("other.example.test", owner.primaryKey(), later, "iothubowner");
        assertError(get("/devices/d1?api-version=1", wrongKey), 401, 401002, "signature");
        assertError(get("/devices/d1?api-version=1", expired), 401, 401002, "expired");
        assertError(get("/devices/d1?api-version=1", unknownPolicy), 401, 401002, "unknown shared access policy");
        assertError(get("/devices/d1?api-version=1", otherHost), 401, 401002, "not for this hub");
        assertError(get("/devices/d1?api-version=1", "garbage"), 401, 401002, "malformed");
    }

    @Test
    void policyWithoutTheNeededRightIs401() throws Exception {
        // the service policy has ServiceConnect only: no registry reads
        assertError(get("/devices/d1?api-version=1", token("service")), 401, 401002, "RegistryRead");
        // registryRead cannot patch twins
        assertError(send(client, "PATCH", "/twins/d1?api-version=1", "{}", "Authorization", token("registryRead")),
                401, 401002, "ServiceConnect");
        assertError(send(client, "PUT", "/devices/d1?api-version=1", "{}", "Authorization", token("registryRead")),
                401, 401002, "RegistryWrite");
        assertThat(get("/devices/d1?api-version=1", token("registryRead")).statusCode()).isEqualTo(200);
    }

    @Test
    void missingApiVersionIs400() throws Exception {
        assertError(get("/devices/d1", token("iothubowner")), 400, 400004, "api-version is required");
    }

    @Test
    void unknownRouteAndWrongMethodGetTheEnvelope() throws Exception {
        assertError(get("/no/such/thing?api-version=1", token("iothubowner")), 404, 404000, "/no/such/thing");
        assertThat(send(client, "DELETE", "/devices/d1?api-version=1", null, "Authorization", token("iothubowner"))
                .statusCode()).isIn(404, 405);
    }

    @Test
    void brinkExceptionsAndUnexpectedErrorsAreMapped() throws Exception {
        assertError(get("/devices/missing?api-version=1", token("iothubowner")), 404, 404001, "Device missing not found");
        HttpResponse<String> boom = get("/devices/boom?api-version=1", token("iothubowner"));
        assertError(boom, 500, 500001, "Internal server error");
        assertThat(boom.body()).doesNotContain("secret internal detail");
    }

    @Test
    void postWithMethodOverrideIsRoutedAsPatchKeepingQueryAndBody() throws Exception {
        HttpResponse<String> r = send(client, "POST", "/twins/d1?api-version=2021-04-12", "{\"tags\":{}}",
                "Authorization", token("service"), "X-HTTP-Method-Override", "PATCH");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("method").asText()).isEqualTo("PATCH");
        assertThat(body.get("body").asText()).isEqualTo("{\"tags\":{}}");
        assertThat(body.get("apiVersion").asText()).isEqualTo("2021-04-12");
        assertThat(body.get("policy").asText()).isEqualTo("service");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "x".repeat((int) RestServer.BODY_LIMIT_BYTES + 1);
        HttpResponse<String> r = send(client, "PUT", "/devices/d1?api-version=1", big, "Authorization", token("iothubowner"));
        assertError(r, 413, 413001, "limit");
        HttpResponse<String> ok = send(client, "PUT", "/devices/d1?api-version=1", "{}", "Authorization", token("iothubowner"));
        assertThat(Json.parse(ok.body()).get("length").asInt()).isEqualTo(2);
    }

    @Test
    void clientNotTrustingTheHubCaFailsTheHandshake() throws Exception {
        HttpClient untrusting = HttpClient.newBuilder().sslContext(SSLContext.getDefault())
                .connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> send(untrusting, "GET", "/devices/d1?api-version=1", null))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void tls12OnlyAndTls13OnlyClientsWork() throws Exception {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {protocol});
            HttpClient c = HttpClient.newBuilder().sslContext(TestHub.sslContextTrusting(certs.caCertificatePem()))
                    .sslParameters(params).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = send(c, "GET", "/devices/d1?api-version=1", null, "Authorization", token("iothubowner"));
            assertThat(r.statusCode()).as(protocol).isEqualTo(200);
            assertThat(r.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo(protocol));
        }
    }

    @Test
    void humanMessageReadsBothEnvelopeForms() {
        assertThat(RestErrors.humanMessage("{\"Message\":\"ErrorCode:DeviceNotFound;Device d1 not found\","
                + "\"ExceptionMessage\":\"Tracking ID:x\"}")).isEqualTo("Device d1 not found");
        assertThat(RestErrors.humanMessage(RestErrors.envelope(RestErrors.Problem.of(ErrorCode.ModuleNotFound, "no m"),
                "t", Instant.now()))).isEqualTo("no m");
        assertThat(RestErrors.humanMessage("not json")).isEqualTo("not json");
    }
}
