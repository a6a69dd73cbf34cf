package dev.brink.hub.testing;

import dev.brink.core.sas.SasTokens;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.security.AccessPolicies;
import dev.brink.hub.security.AccessPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real hub on a temporary directory and ephemeral loopback ports (HTTPS and MQTT), plus an HTTPS client
 * that trusts only that hub's CA. For integration tests:
 * <pre>
 * try (TestHub hub = TestHub.start()) {
 *     HttpResponse&lt;String&gt; r = hub.send("PUT", "/devices/d1", "{\"deviceId\":\"d1\"}");
 * }
 * </pre>
 */
public final class TestHub implements AutoCloseable {
    public static final String API_VERSION = "2021-04-12";
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final HubServer hub;
    private final HttpClient http;

    private TestHub(Path dir, HubServer hub) {
        this.dir = dir;
        this.hub = hub;
        this.http = HttpClient.newBuilder()
                .sslContext(sslContextTrusting(hub.caCertificatePem()))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static TestHub start() {
        return start(builder -> { });
    }

    /** Starts a hub after {@code customizer} has adjusted the config (data dir and ephemeral ports are preset). */
    public static TestHub start(Consumer<HubConfig.Builder> customizer) {
        Path dir;
        try {
            dir = Files.createTempDirectory("brink-hub-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Ephemeral MQTT port too: only the official-SDK test classes bind 8883 (the SDK cannot dial another
        // port), and they set it explicitly; everything else must not collide with them or with each other.
        HubConfig.Builder builder = HubConfig.builder().dataDir(dir.resolve("data")).httpsPort(0).mqttPort(0);
        customizer.accept(builder);
        try {
            return new TestHub(dir, HubServer.start(builder.build()));
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    public HubServer hub() {
        return hub;
    }

    /** {@code https://host:port} of the service REST API. */
    public URI baseUri() {
        return URI.create("https://" + hub.config().host() + ":" + hub.httpsPort());
    }

    /** An HTTP client whose TLS trusts only this hub's CA. */
    public HttpClient http() {
        return http;
    }

    /** A valid one-hour {@code iothubowner} token for this hub. */
    public String serviceToken() {
        return token(AccessPolicies.IOTHUBOWNER);
    }

    /** A valid one-hour token signed with the named policy's primary key. */
    public String token(String policyName) {
        AccessPolicy policy = hub.accessPolicies().get(policyName);
        return SasTokens.create(hub.hostName().toLowerCase(Locale.ROOT), policy.primaryKey(),
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), policy.keyName());
    }

    /**
     * Sends a request with {@code api-version} (unless the query has one), {@code Authorization} (unless a
     * header pair sets it; an empty value omits it) and, with a body, {@code Content-Type: application/json}.
     *
     * @param headerPairs name, value, name, value, ...
     */
    public HttpResponse<String> send(String method, String pathAndQuery, String jsonBodyOrNull, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException("headerPairs must be name/value pairs");
        }
        String query = pathAndQuery.contains("api-version=") ? ""
                : (pathAndQuery.contains("?") ? "&" : "?") + "api-version=" + API_VERSION;
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri().resolve(pathAndQuery + query))
                .timeout(REQUEST_TIMEOUT)
                .method(method, jsonBodyOrNull == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBodyOrNull, StandardCharsets.UTF_8));
        boolean authorizationGiven = false;
        for (int i = 0; i < headerPairs.length; i += 2) {
            if (headerPairs[i].equalsIgnoreCase("Authorization")) {
                authorizationGiven = true;
                if (headerPairs[i + 1].isEmpty()) {
                    continue;
                }
            }
            request.header(headerPairs[i], headerPairs[i + 1]);
        }
        if (!authorizationGiven) {
            request.header("Authorization", serviceToken());
        }
        if (jsonBodyOrNull != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An SSLContext whose only trust anchor is the given PEM certificate. */
    public static SSLContext sslContextTrusting(String caPem) {
        try {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("brink-hub-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build an SSLContext for the hub CA", e);
        }
    }

    @Override
    public void close() {
        try {
            hub.close();
        } finally {
            deleteRecursively(dir);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
