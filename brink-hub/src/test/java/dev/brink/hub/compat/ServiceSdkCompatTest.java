package dev.brink.hub.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.microsoft.azure.sdk.iot.service.ProxyOptions;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClientOptions;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.RawQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import com.microsoft.azure.sdk.iot.service.twin.DeviceCapabilities;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClientOptions;
import dev.brink.core.json.Json;
import dev.brink.hub.security.AccessPolicies;
import dev.brink.hub.testing.TestHub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unmodified official Java service SDK (iot-service-client 2.1.9) against the hub: registry,
 * twins and queries with paging. The SDK dials port 443 of HostName=localhost, so it goes through a
 * test CONNECT proxy to the hub's real port; trust comes from the JVM-default SSL socket factory.
 */
class ServiceSdkCompatTest {
    private static TestHub hub;
    private static ConnectProxy proxy;
    private static SSLSocketFactory previousFactory;
    private static String connectionString;
    private static ProxyOptions proxyOptions;

    @BeforeAll
    static void start() throws IOException {
        int mqttPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mqttPort = s.getLocalPort();
        }
        int mqtt = mqttPort;
        hub = TestHub.start(b -> b.hubHostName("localhost").mqttPort(mqtt));
        proxy = new ConnectProxy(hub.hub().httpsPort());
        previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(
                TestHub.sslContextTrusting(hub.hub().caCertificatePem()).getSocketFactory());
        String key = hub.hub().accessPolicies().get(AccessPolicies.IOTHUBOWNER).primaryKey();
        connectionString = "HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key;
        proxyOptions = new ProxyOptions(new Proxy(Proxy.Type.HTTP, proxy.address()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (previousFactory != null) {
            HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private static RegistryClient registry() {
        return new RegistryClient(connectionString, RegistryClientOptions.builder().proxyOptions(proxyOptions).build());
    }

    private static TwinClient twins() {
        return new TwinClient(connectionString, TwinClientOptions.builder().proxyOptions(proxyOptions).build());
    }

    private static QueryClient queries() {
        return new QueryClient(connectionString, QueryClientOptions.builder().proxyOptions(proxyOptions).build());
    }

    @Test
    void registryDevicesAndModules() throws Exception {
        RegistryClient registry = registry();
        Device created = registry.addDevice(new Device("sdk-dev1"));
        assertThat(created.getGenerationId()).isNotEmpty();
        assertThat(created.getETag()).isNotEmpty();
        assertThat(created.getPrimaryKey()).isNotEmpty();
        assertThat(created.getStatus()).isEqualTo(DeviceStatus.Enabled);
        assertThat(created.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);

        IotHubConflictException duplicate = catchThrowableOfType(
                () -> registry.addDevice(new Device("sdk-dev1")), IotHubConflictException.class);
        assertThat(duplicate.getErrorCode()).isEqualTo(409001);
        IotHubNotFoundException missing = catchThrowableOfType(
                () -> registry.getDevice("sdk-missing"), IotHubNotFoundException.class);
        assertThat(missing.getErrorCode()).isEqualTo(404001);

        Device fetched = registry.getDevice("sdk-dev1");
        assertThat(fetched.getPrimaryKey()).isEqualTo(created.getPrimaryKey());
        fetched.setStatus(DeviceStatus.Disabled);
        Device updated = registry.updateDevice(fetched);
        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(updated.getETag()).isNotEqualTo(created.getETag());
        assertThat(updated.getPrimaryKey()).isEqualTo(created.getPrimaryKey());

        Module module = registry.addModule(new Module("sdk-dev1", "sdk-mod"));
        assertThat(module.getId()).isEqualTo("sdk-mod");
        assertThat(registry.getModule("sdk-dev1", "sdk-mod").getETag()).isEqualTo(module.getETag());
        assertThat(registry.getModulesOnDevice("sdk-dev1")).extracting(Module::getId).containsExactly("sdk-mod");
        Module updatedModule = registry.updateModule(module);
        assertThat(updatedModule.getETag()).isNotEqualTo(module.getETag());
        IotHubConflictException duplicateModule = catchThrowableOfType(
                () -> registry.addModule(new Module("sdk-dev1", "sdk-mod")), IotHubConflictException.class);
        assertThat(duplicateModule.getErrorCode()).isEqualTo(409301);
        registry.removeModule(updatedModule);
        assertThat(catchThrowableOfType(() -> registry.getModule("sdk-dev1", "sdk-mod"),
                IotHubNotFoundException.class).getErrorCode()).isEqualTo(404010);

        // removing with the etag of an older version fails; with the current one it succeeds
        IotHubPreconditionFailedException stale = catchThrowableOfType(
                () -> registry.removeDevice(created), IotHubPreconditionFailedException.class);
        assertThat(stale.getErrorCode()).isEqualTo(412001);
        registry.removeDevice(updated);
        assertThat(catchThrowableOfType(() -> registry.getDevice("sdk-dev1"), IotHubNotFoundException.class))
                .isNotNull();
    }

    @Test
    void edgeDeviceAndStatistics() throws Exception {
        RegistryClient registry = registry();
        Device edge = new Device("sdk-edge");
        DeviceCapabilities capabilities = new DeviceCapabilities();
        capabilities.setIotEdge(true);
        edge.setCapabilities(capabilities);
        Device created = registry.addDevice(edge);
        assertThat(created.getCapabilities().isIotEdge()).isTrue();
        assertThat(created.getScope()).startsWith("ms-azure-iot-edge://sdk-edge-");
        assertThat(registry.getModulesOnDevice("sdk-edge")).extracting(Module::getId)
                .containsExactlyInAnyOrder("$edgeAgent", "$edgeHub");

        RegistryStatistics stats = registry.getStatistics();
        assertThat(stats.getTotalDeviceCount()).isGreaterThanOrEqualTo(1);
        assertThat(stats.getEnabledDeviceCount() + stats.getDisabledDeviceCount())
                .isEqualTo(stats.getTotalDeviceCount());
        assertThat(stats.getEnabledDeviceCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void twinsGetPatchReplace() throws Exception {
        registry().addDevice(new Device("sdk-twin"));
        TwinClient twins = twins();
        Twin twin = twins.get("sdk-twin");
        assertThat(twin.getDeviceId()).isEqualTo("sdk-twin");
        assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);

        Twin patch = new Twin("sdk-twin");
        patch.getTags().put("env", "prod");
        patch.getDesiredProperties().put("interval", 10);
        Twin patched = twins.patch(patch);
        assertThat(patched.getTags().get("env")).isEqualTo("prod");
        assertThat(((Number) patched.getDesiredProperties().get("interval")).intValue()).isEqualTo(10);
        assertThat(patched.getDesiredProperties().getVersion()).isEqualTo(2);

        IotHubPreconditionFailedException stale = catchThrowableOfType(
                () -> twins.patch(patch, twin.getETag()), IotHubPreconditionFailedException.class);
        assertThat(stale.getErrorCode()).isEqualTo(412001);

        Twin replacement = new Twin("sdk-twin");
        replacement.getTags().put("site", "lab");
        replacement.getDesiredProperties().put("mode", "eco");
        Twin replaced = twins.replace(replacement, patched.getETag());
        assertThat(replaced.getTags()).containsKey("site").doesNotContainKey("env");
        assertThat(replaced.getDesiredProperties()).containsKey("mode").doesNotContainKey("interval");

        registry().addModule(new Module("sdk-twin", "m1"));
        Twin moduleTwin = twins.get("sdk-twin", "m1");
        assertThat(moduleTwin.getModuleId()).isEqualTo("m1");
        Twin modulePatch = new Twin("sdk-twin", "m1");
        modulePatch.getDesiredProperties().put("threshold", 3);
        assertThat(twins.patch(modulePatch).getDesiredProperties()).containsKey("threshold");
    }

    @Test
    void queryTwinsWithPaging() throws Exception {
        RegistryClient registry = registry();
        TwinClient twins = twins();
        for (int i = 0; i < 7; i++) {
            registry.addDevice(new Device("sdk-q" + i));
            Twin t = new Twin("sdk-q" + i);
            t.getTags().put("fleet", "sdkq");
            twins.patch(t);
        }
        QueryClient queries = queries();
        TwinQueryResponse response = queries.queryTwins("SELECT * FROM devices WHERE tags.fleet = 'sdkq'",
                QueryPageOptions.builder().pageSize(3).build());
        List<String> ids = new ArrayList<>();
        while (response.hasNext()) {
            ids.add(response.next().getDeviceId());
        }
        assertThat(ids).hasSize(7).doesNotHaveDuplicates();

        RawQueryResponse raw = queries.queryRaw("SELECT COUNT() AS n FROM devices WHERE tags.fleet = 'sdkq'");
        assertThat(raw.hasNext()).isTrue();
        assertThat(Json.parse(raw.next()).path("n").asInt()).isEqualTo(7);
        assertThat(raw.hasNext()).isFalse();
    }
}
