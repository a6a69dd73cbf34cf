package dev.brink.hub.clientcompat;

import dev.brink.client.ClientOptions;
import dev.brink.client.DeviceClient;
import dev.brink.client.ModuleClient;
import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A real hub on a temporary data directory with FIXED ports (chosen free at creation), so it can be stopped and
 * started again on the same ports and data — what reconnect and durability tests need. Plus REST helpers and
 * brink-client factories. For hubs that must listen on 8883 (official SDK), pass that port.
 */
public final class HubFixture implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final Path dir;
    private final int mqttPort;
    private final int httpsPort;
    private final Consumer<HubConfig.Builder> customizer;
    private HubServer hub;
    private HttpClient http;

    private HubFixture(Path dir, int mqttPort, int httpsPort, Consumer<HubConfig.Builder> customizer) {
        this.dir = dir;
        this.mqttPort = mqttPort;
        this.httpsPort = httpsPort;
        this.customizer = customizer;
    }

    public static HubFixture start() {
        return start(freePort(), b -> { });
    }

    public static HubFixture start(int mqttPort, Consumer<HubConfig.Builder> customizer) {
        try {
            HubFixture f = new HubFixture(Files.createTempDirectory("brink-hub-fixture"), mqttPort, freePort(),
                    customizer);
            f.startHub();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (Re)starts the hub on the same data directory and ports. */
    public void startHub() {
        HubConfig.Builder b = HubConfig.builder().dataDir(dir.resolve("data")).host("127.0.0.1")
                .httpsPort(httpsPort).mqttPort(mqttPort);
        customizer.accept(b);
        hub = HubServer.start(b.build());
        http = HttpClient.newBuilder().sslContext(TestHub.sslContextTrusting(hub.caCertificatePem()))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public void stopHub() {
        if (hub != null) {
            hub.close();
            hub = null;
        }
    }

    public void restartHub() {
        stopHub();
        startHub();
    }

    public HubServer hub() {
        return hub;
    }

    public int mqttPort() {
        return mqttPort;
    }

    public Identity device(String deviceId) {
        return hub.registry().putDevice(deviceId, Json.object(), null);
    }

    public Identity module(String deviceId, String moduleId) {
        return hub.registry().putModule(deviceId, moduleId, Json.object(), null);
    }

    public String connectionString(Identity identity) {
        return "HostName=" + hub.hostName() + ";DeviceId=" + identity.key().deviceId()
                + (identity.key().isModule() ? ";ModuleId=" + identity.key().moduleId() : "")
                + ";SharedAccessKey=" + identity.primaryKey();
    }

    public ClientOptions.Builder clientOptions() {
        return ClientOptions.builder().trustedCaPem(hub.caCertificatePem()).port(mqttPort)
                .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .operationTimeout(Duration.ofSeconds(30)).connectTimeout(Duration.ofSeconds(10));
    }

    public DeviceClient deviceClient(Identity device) {
        return DeviceClient.fromConnectionString(connectionString(device), clientOptions().build());
    }

    public DeviceClient deviceClient(Identity device, ClientOptions options) {
        return DeviceClient.fromConnectionString(connectionString(device), options);
    }

    public ModuleClient moduleClient(Identity module) {
        return ModuleClient.fromConnectionString(connectionString(module), clientOptions().build());
    }

    /** A REST request with an iothubowner token; header pairs name, value, ... */
    public HttpResponse<String> send(String method, String pathAndQuery, byte[] body, String... headerPairs) {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.httpsPort()
                        + pathAndQuery + sep + "api-version=" + TestHub.API_VERSION))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        boolean authorization = false;
        for (int i = 0; i < headerPairs.length; i += 2) {
            r.header(headerPairs[i], headerPairs[i + 1]);
            authorization |= headerPairs[i].equalsIgnoreCase("Authorization");
        }
        if (!authorization) {
            r.header("Authorization", serviceToken());
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    public String serviceToken() {
        var policy = hub.accessPolicies().get(dev.brink.hub.security.AccessPolicies.IOTHUBOWNER);
        return dev.brink.core.sas.SasTokens.create(hub.hostName().toLowerCase(java.util.Locale.ROOT),
                policy.primaryKey(), java.time.Instant.now().plusSeconds(3600).getEpochSecond(), policy.keyName());
    }

    public String baseUri() {
        return "https://127.0.0.1:" + hub.httpsPort();
    }

    @Override
    public void close() {
        try {
            stopHub();
        } finally {
            TestHub.deleteRecursively(dir);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
