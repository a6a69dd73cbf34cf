package dev.brink.edge.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.Keys;
import dev.brink.infra.pki.Certificates;
import dev.brink.infra.pki.Pem;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WorkloadApiTest {
    private static final String V = "?api-version=2020-07-07";
    private static Vertx vertx;
    private static EdgeCa ca;
    private static EdgeCa hubCa;

    @TempDir
    Path dir;
    private final Map<String, ModuleKey> identities = new ConcurrentHashMap<>();
    private final List<WorkloadRoutes.Handled> handled = new CopyOnWriteArrayList<>();
    private WorkloadApi api;

    @BeforeAll
    static void startVertx(@TempDir Path caDir) {
        vertx = Vertx.vertx();
        ca = EdgeCa.loadOrCreate(caDir.resolve("edge"), "edge1");
        hubCa = EdgeCa.loadOrCreate(caDir.resolve("hub"), "hub");
        ca.addTrusted(hubCa.certificatePem());
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        identities.put("mod1", new ModuleKey("mod1", "gen-1", Keys.generateKey()));
        identities.put("mod2", new ModuleKey("mod2", "gen-2", Keys.generateKey()));
        identities.put("$edgeHub", new ModuleKey("$edgeHub", "gen-h", Keys.generateKey()));
        ModuleKeys keys = name -> Optional.ofNullable(identities.get(name));
        api = new WorkloadApi(vertx, dir.resolve("sockets"), ca, keys, 0);
        api.observe(handled::add);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aModuleSignsForItselfOverItsOwnSocket() throws Exception {
        Path socket = api.openModuleSocket("mod1");
        byte[] data = "hub.local/devices/edge1/modules/mod1\n1700000000".getBytes(StandardCharsets.UTF_8);

        RawHttp.Response r = RawHttp.unix(socket, "POST", "/modules/mod1/genid/gen-1/sign" + V, signBody(data));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("digest").asText()).isEqualTo(hmac(identities.get("mod1").primaryKey(), data));
        assertThat(handled).containsExactly(
                new WorkloadRoutes.Handled("mod1", "POST", "/modules/mod1/genid/gen-1/sign", 200));
    }

    /** The Java SDK sends {@code Host: <socket path>} over unix sockets; other clients may send none. */
    @Test
    void theHostHeaderDoesNotMatterOnAUnixSocket() throws Exception {
        Path socket = api.openModuleSocket("mod1");
        String body = signBody("x".getBytes(StandardCharsets.UTF_8));
        String sign = "/modules/mod1/genid/gen-1/sign" + V;

        assertThat(RawHttp.unix(socket, "POST", sign, body, socket.toString()).status()).isEqualTo(200);
        assertThat(RawHttp.unix(socket, "POST", sign, body, null).status()).isEqualTo(200);
        assertThat(RawHttp.unix(socket, "GET", "/trust-bundle" + V, null, "unix:" + socket).status()).isEqualTo(200);
    }

    @Test
    void socketsLiveInOwnerOnlyDirectoriesAndGoAwayWhenClosed() throws Exception {
        Path socket = api.openModuleSocket("mod1");

        assertThat(socket).isEqualTo(dir.resolve("sockets").resolve("mod1").resolve("workload.sock"));
        assertThat(api.openModuleSocket("mod1")).isEqualTo(socket); // idempotent
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sockets"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        api.closeModuleSocket("mod1");
        assertThat(socket.getParent()).doesNotExist();
        api.closeModuleSocket("mod1"); // no-op

        // a stale socket file (crash) does not prevent a new listener
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "stale");
        api.openModuleSocket("mod1");
        assertThat(RawHttp.unix(socket, "GET", "/trust-bundle" + V, null).status()).isEqualTo(200);

        // a runtime shutdown keeps the directory (bind-mounted into containers); the next runtime reuses it
        Object dirKey = Files.readAttributes(socket.getParent(), java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();
        api.close();
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).isDirectory();
        api = new WorkloadApi(vertx, dir.resolve("sockets"), ca, name -> Optional.ofNullable(identities.get(name)),
                null);
        assertThat(api.openModuleSocket("mod1")).isEqualTo(socket);
        assertThat(Files.readAttributes(socket.getParent(), java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey()).isEqualTo(dirKey);
        assertThat(RawHttp.unix(socket, "GET", "/trust-bundle" + V, null).status()).isEqualTo(200);
    }

    @Test
    void aModuleSocketRefusesToActForAnotherModule() throws Exception {
        Path socket = api.openModuleSocket("mod1");
        String body = signBody("x".getBytes(StandardCharsets.UTF_8));

        RawHttp.Response sign = RawHttp.unix(socket, "POST", "/modules/mod2/genid/gen-2/sign" + V, body);
        RawHttp.Response cert = RawHttp.unix(socket, "POST", "/modules/mod2/genid/gen-2/certificate/server" + V,
                "{\"commonName\":\"mod2\"}");
        // unknown modules are refused the same way: the socket does not reveal which modules exist
        RawHttp.Response unknown = RawHttp.unix(socket, "POST", "/modules/ghost/genid/g/sign" + V, body);

        assertThat(sign.status()).isEqualTo(403);
        assertThat(sign.json().get("message").asText()).contains("forbidden");
        assertThat(cert.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(403);
    }

    @Test
    void wrongGenerationBadBodiesAndUnknownModulesAreRefused() throws Exception {
        Path socket = api.openModuleSocket("mod1");
        Path ghost = api.openModuleSocket("ghost"); // socket exists, identity does not (yet)
        String ok = signBody("x".getBytes(StandardCharsets.UTF_8));
        String sign = "/modules/mod1/genid/gen-1/sign";

        assertThat(RawHttp.unix(socket, "POST", "/modules/mod1/genid/gen-0/sign" + V, ok).status()).isEqualTo(400);
        assertThat(RawHttp.unix(ghost, "POST", "/modules/ghost/genid/g/sign" + V, ok).status()).isEqualTo(404);
        assertThat(RawHttp.unix(socket, "POST", sign + V, "{not json").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", sign + V, "").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", sign + V, "{\"data\":\"%%%\"}").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", sign + V, "{\"keyId\":\"primary\"}").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", sign + V, "{\"algo\":\"HMACSHA1\",\"data\":\"eA==\"}").status())
                .isEqualTo(400);
        RawHttp.Response noVersion = RawHttp.unix(socket, "POST", sign, ok);
        assertThat(noVersion.status()).isEqualTo(400);
        assertThat(noVersion.json().get("message").asText()).contains("api-version");
        assertThat(RawHttp.unix(socket, "POST", sign + "?api-version=2017-11-01", ok).status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", sign + "?api-version=latest", ok).status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "GET", "/nothing-here" + V, null).status()).isEqualTo(404);
        // every version the SDKs and edgelet use is accepted
        for (String v : List.of("2018-06-28", "2019-01-30", "2020-07-07", "2022-08-03", "2030-01-01")) {
            assertThat(RawHttp.unix(socket, "POST", sign + "?api-version=" + v, ok).status()).as(v).isEqualTo(200);
        }
    }

    @Test
    void trustBundleHoldsTheEdgeCaAndTheHubCa() throws Exception {
        Path socket = api.openModuleSocket("mod1");

        RawHttp.Response r = RawHttp.unix(socket, "GET", "/trust-bundle?api-version=2018-06-28", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(Pem.readCertificates(r.json().get("certificate").asText()))
                .containsExactly(ca.certificate(), hubCa.certificate());
    }

    @Test
    void issuesServerCertificatesToTheModuleItself() throws Exception {
        Path socket = api.openModuleSocket("$edgeHub");
        // the SDKs URL-encode module ids: '$' arrives as %24
        String path = "/modules/%24edgeHub/genid/gen-h/certificate/server" + V;
        Instant expiration = Instant.now().plus(Duration.ofDays(7));

        RawHttp.Response r = RawHttp.unix(socket, "POST", path,
                "{\"commonName\":\"edge1.local\",\"expiration\":\"" + expiration + "\"}");

        assertThat(r.status()).isEqualTo(201);
        JsonNode json = r.json();
        assertThat(json.at("/privateKey/type").asText()).isEqualTo("key");
        assertThat(json.at("/privateKey/bytes").asText()).startsWith("-----BEGIN PRIVATE KEY-----");
        List<X509Certificate> chain = Pem.readCertificates(json.get("certificate").asText());
        assertThat(chain).hasSize(2).last().isEqualTo(ca.certificate());
        chain.get(0).verify(ca.certificate().getPublicKey());
        assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1))
                .containsExactlyInAnyOrder("edge1.local", "edgeHub");
        assertThat(Instant.parse(json.get("expiration").asText())).isBetween(expiration.minusSeconds(5),
                expiration.plusSeconds(5));
        assertThat(Certificates.matches(chain.get(0),
                Pem.readPrivateKey(json.at("/privateKey/bytes").asText()))).isTrue();

        String certPath = "/modules/%24edgeHub/genid/gen-h/certificate/server" + V;
        assertThat(RawHttp.unix(socket, "POST", certPath, "{\"commonName\":\"*.evil\"}").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", certPath, "{}").status()).isEqualTo(400);
        assertThat(RawHttp.unix(socket, "POST", certPath,
                "{\"commonName\":\"a\",\"expiration\":\"2001-01-01T00:00:00Z\"}").status()).isEqualTo(400);
        // without an expiration the default applies
        RawHttp.Response dflt = RawHttp.unix(socket, "POST", certPath, "{\"commonName\":\"127.0.0.1\"}");
        assertThat(Instant.parse(dflt.json().get("expiration").asText()))
                .isAfter(Instant.now().plus(WorkloadRoutes.DEFAULT_SERVER_CERT_VALIDITY).minusSeconds(60));
    }

    @Test
    void theDevelopmentTcpListenerTakesTheModuleFromThePath() throws Exception {
        URI base = api.devTcpUri();
        assertThat(base.getHost()).isEqualTo("localhost");
        HttpClient http = HttpClient.newHttpClient();
        byte[] data = "abc".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> mod2 = post(http, base.resolve("modules/mod2/genid/gen-2/sign" + V), signBody(data));
        HttpResponse<String> ghost = post(http, base.resolve("modules/ghost/genid/g/sign" + V), signBody(data));
        HttpResponse<String> bundle = http.send(HttpRequest.newBuilder(base.resolve("trust-bundle" + V)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(mod2.statusCode()).isEqualTo(200);
        assertThat(mod2.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Json.parse(mod2.body()).get("digest").asText())
                .isEqualTo(hmac(identities.get("mod2").primaryKey(), data));
        assertThat(ghost.statusCode()).isEqualTo(404);
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(Json.parse(bundle.body()).get("certificate").asText()).isEqualTo(ca.trustBundlePem());
    }

    @Test
    void withoutADevPortThereIsNoTcpListenerAndBadNamesAreRejected() {
        try (WorkloadApi noDev = new WorkloadApi(vertx, dir.resolve("other"), ca, name -> Optional.empty(), null)) {
            assertThat(noDev.devTcpUri()).isNull();
            assertThatThrownBy(() -> noDev.openModuleSocket("..")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> noDev.openModuleSocket("a/b")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> noDev.openModuleSocket("m".repeat(120)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unix socket limit");
        }
    }

    static String signBody(byte[] data) {
        return Json.write(Json.object().put("keyId", "primary").put("algo", "HMACSHA256")
                .put("data", Base64.getEncoder().encodeToString(data)));
    }

    static String hmac(String base64Key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data));
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
