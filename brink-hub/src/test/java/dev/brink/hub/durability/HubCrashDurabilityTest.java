package dev.brink.hub.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.ConnectionString;
import dev.brink.core.sas.SasTokens;
import dev.brink.hub.HubServer;
import dev.brink.hub.security.HubCertificates;
import dev.brink.hub.testing.TestHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged write survives a crash: a hub in a child JVM takes concurrent device creates and twin
 * patches, is killed with SIGKILL while writes are in flight, and after a restart on the same data
 * directory every write that was answered 200 is there.
 */
class HubCrashDurabilityTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int WRITERS = 8;
    private static final int KILL_AFTER_PATCHES = 100;

    @TempDir
    Path data;

    private Process process;

    @AfterEach
    void killChild() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        int port = freePort();
        ChildHub first = startChild(port);
        Set<String> createdAcked = ConcurrentHashMap.newKeySet();
        Set<String> patchedAcked = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int t = 0; t < WRITERS; t++) {
                pool.submit(() -> {
                    // each writer creates a device, then patches its twin, until the hub dies
                    while (!Thread.currentThread().isInterrupted()) {
                        String id = "dur" + next.getAndIncrement();
                        if (first.send("PUT", "/devices/" + id, "{}") != 200) {
                            return;
                        }
                        createdAcked.add(id);
                        if (first.send("PATCH", "/twins/" + id,
                                "{\"properties\":{\"desired\":{\"v\":\"" + id + "\"}}}") != 200) {
                            return;
                        }
                        patchedAcked.add(id);
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (patchedAcked.size() < KILL_AFTER_PATCHES && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL while writes are in flight
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(patchedAcked).hasSizeGreaterThanOrEqualTo(KILL_AFTER_PATCHES);

        ChildHub second = startChild(port);
        for (String id : createdAcked) {
            assertThat(second.send("GET", "/devices/" + id, null)).as("device %s", id).isEqualTo(200);
        }
        for (String id : patchedAcked) {
            JsonNode twin = second.get("/twins/" + id);
            assertThat(twin.path("properties").path("desired").path("v").asText()).as("twin %s", id).isEqualTo(id);
        }
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private ChildHub startChild(int httpsPort) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.brink.hub.HubMain", "--data", data.toString(), "--https-port", Integer.toString(httpsPort),
                "--mqtt-port", Integer.toString(freePort()))
                .redirectErrorStream(true);
        process = pb.start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        List<String> output = new ArrayList<>();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("Hub listening on")) {
                        listening.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process died; the output so far is in the failure message
            }
            listening.completeExceptionally(new IllegalStateException("hub exited before listening"));
        }, "child-hub-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            synchronized (output) {
                throw new IllegalStateException("child hub did not start: " + String.join("\n", output), e);
            }
        }
        String cs = Files.readString(data.resolve(HubServer.CONNECTION_STRING_FILE)).trim();
        String ca = Files.readString(data.resolve(HubServer.CERTS_DIR).resolve(HubCertificates.CA_CERT));
        return new ChildHub(ConnectionString.parse(cs), httpsPort, ca);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A minimal service client for the child hub. */
    private static final class ChildHub {
        private final ConnectionString cs;
        private final URI base;
        private final HttpClient http;

        ChildHub(ConnectionString cs, int port, String caPem) {
            this.cs = cs;
            this.base = URI.create("https://127.0.0.1:" + port);
            this.http = HttpClient.newBuilder().sslContext(TestHub.sslContextTrusting(caPem))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }

        /** The status code, or -1 when the hub did not answer (it was killed). */
        int send(String method, String path, String body) {
            try {
                return exchange(method, path, body).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = exchange("GET", path, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return Json.parse(r.body());
        }

        private HttpResponse<String> exchange(String method, String path, String body)
                throws IOException, InterruptedException {
            String token = SasTokens.create(cs.hostName().toLowerCase(Locale.ROOT), cs.sharedAccessKey(),
                    Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), cs.sharedAccessKeyName());
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path + "?api-version=2021-04-12"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
