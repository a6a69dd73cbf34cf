package dev.brink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.Keys;
import dev.brink.core.sas.SasToken;
import dev.brink.core.sas.SasTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload API path of {@link ModuleClient#fromEnvironment(Map, ClientOptions)} against a real HTTP server. */
class WorkloadSasTokenProviderTest {
    private static final String MODULE_KEY = Keys.generateKey();

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int signStatus = 200;

    @BeforeEach
    void startWorkload() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/modules/", this::sign);
        server.createContext("/trust-bundle", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            respond(ex, 200, Json.write(Json.object().put("certificate", TestTls.CERT_PEM)));
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void sign(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
        if (signStatus != 200) {
            respond(ex, signStatus, "{\"message\":\"module not found\"}");
            return;
        }
        JsonNode body = Json.parse(ex.getRequestBody().readAllBytes());
        if (!"primary".equals(body.path("keyId").asText()) || !"HMACSHA256".equals(body.path("algo").asText())) {
            respond(ex, 400, "{\"message\":\"bad keyId/algo\"}");
            return;
        }
        respond(ex, 200, Json.write(Json.object().put("digest", hmac(Base64.getDecoder().decode(
                body.path("data").asText())))));
    }

    private static String hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(MODULE_KEY), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private Map<String, String> edgeEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("IOTEDGE_WORKLOADURI", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
        env.put("IOTEDGE_DEVICEID", "edge1");
        env.put("IOTEDGE_MODULEID", "filter");
        env.put("IOTEDGE_IOTHUBHOSTNAME", "hub.local");
        env.put("IOTEDGE_GATEWAYHOSTNAME", "edgehost");
        env.put("IOTEDGE_MODULEGENERATIONID", "gen-42");
        env.put("IOTEDGE_APIVERSION", "2019-01-30");
        env.put("IOTEDGE_AUTHSCHEME", "sasToken");
        return env;
    }

    @Test
    void fromEnvironmentSignsThroughTheWorkloadApiAndTrustsItsBundle() {
        try (ModuleClient c = ModuleClient.fromEnvironment(edgeEnv(), null)) {
            assertThat(c.settings().clientId()).isEqualTo("edge1/filter");
            assertThat(c.settings().serverUri()).isEqualTo("ssl://edgehost:8883");
            assertThat(c.settings().username()).startsWith("hub.local/edge1/filter/?api-version=");
            assertThat(c.options().trustedCaPem()).isEqualTo(TestTls.CERT_PEM);
            Instant expiry = Instant.now().plusSeconds(3600);
            String token = c.tokenProvider().createToken(c.settings().audience(), expiry);
            SasToken parsed = SasToken.parse(token);
            assertThat(parsed.resourceRaw()).isEqualTo("hub.local%2Fdevices%2Fedge1%2Fmodules%2Ffilter");
            assertThat(parsed.resourceDecoded()).isEqualTo("hub.local/devices/edge1/modules/filter");
            assertThat(parsed.expiresAt()).isEqualTo(expiry.getEpochSecond());
            assertThat(SasTokens.signatureMatches(parsed, MODULE_KEY)).isTrue();
            assertThat(SasTokens.signatureMatches(parsed, Keys.generateKey())).isFalse();
        }
        assertThat(requests).containsExactly("GET /trust-bundle?api-version=2019-01-30",
                "POST /modules/filter/genid/gen-42/sign?api-version=2019-01-30");
    }

    @Test
    void callerTrustWinsAndNoBundleIsFetched() {
        ClientOptions own = ClientOptions.builder().trustedCaPem("PEM").build();
        try (ModuleClient c = ModuleClient.fromEnvironment(edgeEnv(), own)) {
            assertThat(c.options().trustedCaPem()).isEqualTo("PEM");
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void workloadErrorsAreClear() {
        signStatus = 404;
        try (ModuleClient c = ModuleClient.fromEnvironment(edgeEnv(), null)) {
            assertThatThrownBy(() -> c.tokenProvider().createToken("a", Instant.now()))
                    .isInstanceOf(IotHubClientException.class)
                    .hasMessageContaining("failed with 404: module not found")
                    .satisfies(e -> assertThat(((IotHubClientException) e).errorCode()).isEqualTo(ErrorCode.NotFound));
        }
        WorkloadClient unreachable = new WorkloadClient("http://127.0.0.1:1/", null);
        assertThatThrownBy(unreachable::trustBundle).hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((IotHubClientException) e).isRetryable()).isTrue());
        assertThatThrownBy(() -> new WorkloadClient("ftp://x/", null)).hasMessageContaining("unix://, http://");
    }

    @Test
    void missingVariablesAndUnsupportedSchemesAreNamed() {
        Map<String, String> env = edgeEnv();
        env.remove("IOTEDGE_MODULEID");
        env.remove("IOTEDGE_WORKLOADURI");
        assertThatThrownBy(() -> ModuleClient.fromEnvironment(env, null)).isInstanceOf(IotHubClientException.class)
                .hasMessageContaining("IOTEDGE_WORKLOADURI, IOTEDGE_MODULEID are missing");
        Map<String, String> x509 = edgeEnv();
        x509.put("IOTEDGE_AUTHSCHEME", "x509");
        assertThatThrownBy(() -> ModuleClient.fromEnvironment(x509, null)).hasMessageContaining("only sasToken");
    }

    @Test
    void connectionStringInTheEnvironmentWins(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), TestTls.CERT_PEM);
        Map<String, String> env = edgeEnv();
        env.put("EdgeHubConnectionString", "HostName=hub.local;DeviceId=edge1;ModuleId=m2;SharedAccessKey="
                + MODULE_KEY + ";GatewayHostName=gw.local");
        env.put("EdgeModuleCACertificateFile", ca.toString());
        try (ModuleClient c = ModuleClient.fromEnvironment(env, null)) {
            assertThat(c.moduleId()).isEqualTo("m2");
            assertThat(c.settings().dialHost()).isEqualTo("gw.local");
            assertThat(c.options().trustedCaPem()).isEqualTo(TestTls.CERT_PEM);
            assertThat(c.tokenProvider()).isInstanceOf(KeySasTokenProvider.class);
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void unixSocketWorkloadWithChunkedResponse(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("workload.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            List<String> seen = new CopyOnWriteArrayList<>();
            Thread fake = new Thread(() -> serveOnce(listener, seen), "fake-workload");
            fake.start();
            WorkloadClient client = new WorkloadClient("unix://" + socket, null);
            String data = Base64.getEncoder().encodeToString("sr\n1".getBytes(StandardCharsets.UTF_8));
            assertThat(client.sign("m 1", "g", data)).isEqualTo(hmac("sr\n1".getBytes(StandardCharsets.UTF_8)));
            fake.join(5000);
            assertThat(seen.get(0)).startsWith("POST /modules/m%201/genid/g/sign?api-version=2018-06-28 HTTP/1.1\r\n")
                    .contains("Content-Type: application/json", "Connection: close");
        }
    }

    /** Answers one request with a chunked JSON body, the way hyper-based workload servers may. */
    private static void serveOnce(ServerSocketChannel listener, List<String> seen) {
        try (SocketChannel ch = listener.accept()) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            String request = "";
            while (!request.contains("\r\n\r\n") || !request.endsWith("}")) {
                ch.read(buf);
                request = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            }
            seen.add(request);
            String json = request.substring(request.indexOf("\r\n\r\n") + 4);
            String data = Json.parse(json).path("data").asText();
            String body = Json.write(Json.object().put("digest", hmac(Base64.getDecoder().decode(data))));
            String first = body.substring(0, 5);
            String rest = body.substring(5);
            String response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n"
                    + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n";
            ch.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            seen.add("error: " + e);
        }
    }
}
