package dev.brink.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.edge.hub.identity.IdentityCache;
import dev.brink.edge.workload.EdgeCa;
import dev.brink.edge.workload.IssuedCert;
import dev.brink.infra.pki.Pem;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ConnectRefusal;
import dev.brink.mqtt.Connections;
import dev.brink.mqtt.MethodResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module-methods API over real HTTPS on 127.0.0.2 with the edge hub certificate (so the client's host name
 * check proves the IP SAN). Identity cache and connections are small in-test implementations: the real ones are
 * built by other engineers in parallel and are not in this tree yet.
 */
@Timeout(60)
class ModuleMethodsApiTest {
    private static final String TOKEN = "SharedAccessSignature sr=hub.example.com%2Fdevices%2Fedge1%2Fmodules%2Fcaller&sig=x&se=9999999999";
    private static final IdentityKey CALLER = IdentityKey.module("edge1", "caller");

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final List<String> usernames = new CopyOnWriteArrayList<>();
    private final List<Duration> connectTimeouts = new CopyOnWriteArrayList<>();
    private EdgeHubHttpServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        EdgeCa ca = EdgeCa.loadOrCreate(dir.resolve("ca"), "edge1");
        IssuedCert cert = ca.issueEdgeHubCertificate("127.0.0.2", null, Duration.ofDays(1));
        Router router = Router.router(vertx);
        new ModuleMethodsApi("hub.example.com", new Identities(), new Clients()).mount(router);
        server = EdgeHubHttpServer.start(vertx, "127.0.0.2", 0, new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(cert.certificateChainPem())).setKeyValue(Buffer.buffer(cert.privateKeyPem())),
                router);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("edge-ca", Pem.readCertificate(ca.certificatePem()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(ssl).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void invokesTheLocalTargetAsTheAuthenticatedCaller() throws Exception {
        HttpResponse<String> r = post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), TOKEN,
                "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":10,\"connectTimeoutInSeconds\":3,"
                        + "\"payload\":{\"n\":1}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(200);
        assertThat(body.at("/payload/method").asText()).isEqualTo("ping");
        assertThat(body.at("/payload/echo/n").asInt()).isEqualTo(1);
        assertThat(usernames).containsExactly("hub.example.com/edge1/caller/?api-version=2021-04-12");
        assertThat(connectTimeouts).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void refusesBadRequestsWithIotHubErrorCodes() throws Exception {
        String ok = "{\"methodName\":\"ping\"}";
        assertError(post("/twins/edge1/modules/echo/methods", null, TOKEN, ok), 400, ErrorCode.ArgumentInvalid);
        assertError(post("/twins/edge1/modules/echo/methods", "edge1", TOKEN, ok), 400, ErrorCode.ArgumentInvalid);
        assertError(post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), null, ok), 401, ErrorCode.Unauthorized);
        assertError(post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), "Bearer x", ok), 401,
                ErrorCode.Unauthorized);
        assertError(post("/twins/edge1/modules/echo/methods", "edge1/other", TOKEN, ok), 401, ErrorCode.Unauthorized);
        assertError(post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), TOKEN, "[1]"), 400,
                ErrorCode.ArgumentInvalid);
        assertError(post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), TOKEN, "{\"payload\":1}"), 400,
                ErrorCode.ArgumentInvalid);
        assertError(post("/twins/edge1/modules/echo/methods", CALLER_HEADER(), TOKEN,
                "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":1}"), 400, ErrorCode.ArgumentInvalid);
        assertError(post("/twins/edge1/methods", CALLER_HEADER(), TOKEN, ok), 404, ErrorCode.DeviceNotOnline);
        assertError(post("/twins/edge1/modules/slow/methods", CALLER_HEADER(), TOKEN, ok), 504,
                ErrorCode.GatewayTimeout);
    }

    @Test
    void requestParsingRules() {
        MethodRequest r = MethodRequest.parse("{\"methodName\":\"m\"}");
        assertThat(r.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.connectTimeout()).isZero();
        assertThat(r.payload()).isNull();
        assertThat(MethodRequest.parse("{\"methodName\":\"m\",\"responseTimeoutInSeconds\":300,"
                + "\"connectTimeoutInSeconds\":0,\"payload\":\"x\"}").payload().asText()).isEqualTo("x");
        for (String bad : List.of("", "nope", "{\"methodName\":\"\"}", "{\"methodName\":5}",
                "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}",
                "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":\"10\"}",
                "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":-1}")) {
            assertThatThrownBy(() -> MethodRequest.parse(bad)).as(bad).isInstanceOf(BrinkException.class)
                    .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.ArgumentInvalid);
        }
        assertThat(MethodRequest.caller("edge1/caller")).isEqualTo(CALLER);
        assertThatThrownBy(() -> MethodRequest.caller("a/b/c")).isInstanceOf(BrinkException.class);
        assertThatThrownBy(() -> MethodRequest.token("sig=x")).isInstanceOf(BrinkException.class)
                .extracting(e -> ((BrinkException) e).errorCode()).isEqualTo(ErrorCode.Unauthorized);
    }

    private static String CALLER_HEADER() {
        return "edge1/caller";
    }

    private HttpResponse<String> post(String path, String caller, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.2:" + server.port() + path
                + "?api-version=2021-04-12")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (caller != null) {
            b.header(MethodRequest.CALLER_HEADER, caller);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, ErrorCode code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode inner = Json.parse(Json.parse(r.body()).get("Message").asText());
        assertThat(inner.get("errorCode").asInt()).as(r.body()).isEqualTo(code.code());
        assertThat(r.headers().firstValue("iothub-errorcode")).hasValue(code.name());
    }

    /** Accepts exactly the caller's token for the caller's client id. */
    private final class Identities implements IdentityCache {
        @Override
        public Authentication authenticate(String clientId, String username, String password) {
            usernames.add(username);
            return clientId.equals("edge1/caller") && TOKEN.equals(password) ? Authentication.accepted(CALLER, 9999999999L)
                    : Authentication.refused(ConnectRefusal.NOT_AUTHORIZED, "wrong token for " + clientId);
        }

        @Override
        public Optional<String> primaryKey(IdentityKey key) {
            return Optional.empty();
        }

        @Override
        public boolean contains(IdentityKey key) {
            return true;
        }

        @Override
        public void refresh() {
        }

        @Override
        public void close() {
        }
    }

    /** "echo" answers, "slow" never does (504 at once), anything else is offline (404103). */
    private final class Clients implements Connections {
        @Override
        public CompletableFuture<MethodResult> invokeMethod(IdentityKey key, String methodName, JsonNode payload,
                Duration connectTimeout, Duration responseTimeout) {
            connectTimeouts.add(connectTimeout);
            if ("echo".equals(key.moduleId())) {
                ObjectNode answer = Json.object().put("method", methodName);
                answer.set("echo", payload);
                return CompletableFuture.completedFuture(new MethodResult(200, answer));
            }
            ErrorCode code = "slow".equals(key.moduleId()) ? ErrorCode.GatewayTimeout : ErrorCode.DeviceNotOnline;
            return CompletableFuture.failedFuture(new BrinkException(code, key + ": " + code));
        }

        @Override
        public boolean isOnline(IdentityKey key) {
            return false;
        }

        @Override
        public boolean isConnected(IdentityKey key) {
            return false;
        }

        @Override
        public Collection<IdentityKey> connected() {
            return List.of();
        }

        @Override
        public void publishDesired(IdentityKey key, ObjectNode patch) {
        }

        @Override
        public void deliveriesAvailable(IdentityKey key) {
        }

        @Override
        public void disconnect(IdentityKey key) {
        }
    }
}
