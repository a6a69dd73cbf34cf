package dev.brink.edge.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brink.client.ClientOptions;
import dev.brink.client.IotHubClientException;
import dev.brink.client.ModuleClient;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.registry.Identity;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * brink-client's {@code ModuleClient.fromEnvironment} over a module's unix workload socket, connecting for real
 * to a Brink hub: the token signed by the workload API is accepted by the hub, and TLS trusts the hub only
 * because the trust bundle carries the hub's CA.
 */
@Timeout(120)
class BrinkClientWorkloadTest {
    @TempDir
    Path dir;
    private HubServer hub;
    private Vertx vertx;
    private WorkloadApi api;
    private final Map<String, ModuleKey> identities = new ConcurrentHashMap<>();
    private final List<WorkloadRoutes.Handled> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).host("127.0.0.1").httpsPort(0)
                .mqttPort(0).build());
        hub.registry().putDevice("edge1", Json.object(), null);
        for (String m : List.of("mod1", "mod2")) {
            Identity id = hub.registry().putModule("edge1", m, Json.object(), null);
            identities.put(m, new ModuleKey(m, id.generationId(), id.primaryKey()));
        }
        vertx = Vertx.vertx();
        EdgeCa ca = EdgeCa.loadOrCreate(dir.resolve("ca"), "edge1");
        ca.addTrusted(hub.caCertificatePem());
        api = new WorkloadApi(vertx, dir.resolve("s"), ca, m -> Optional.ofNullable(identities.get(m)), null);
        api.observe(handled::add);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            api.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            hub.close();
        }
    }

    @Test
    void fromEnvironmentOverAUnixSocketConnectsWithAWorkloadSignedToken() {
        Path socket = api.openModuleSocket("mod1");

        try (ModuleClient client = ModuleClient.fromEnvironment(env("unix://" + socket, "mod1"), options())) {
            client.open();
            client.updateReportedProperties(Json.object().put("hello", "workload"));
            assertThat(client.getTwin().reported().get("hello").asText()).isEqualTo("workload");
        }

        assertThat(handled).contains(
                new WorkloadRoutes.Handled("mod1", "GET", "/trust-bundle", 200),
                new WorkloadRoutes.Handled("mod1", "POST", "/modules/mod1/genid/"
                        + identities.get("mod1").generationId() + "/sign", 200));
    }

    @Test
    void aModuleUsingAnotherModulesSocketCannotGetATokenForItself() {
        Path socket = api.openModuleSocket("mod1");

        ModuleClient client = ModuleClient.fromEnvironment(env("unix://" + socket, "mod2"), options());
        try {
            assertThatThrownBy(client::open).isInstanceOf(IotHubClientException.class)
                    .satisfies(e -> assertThat(((IotHubClientException) e).errorCode())
                            .isEqualTo(ErrorCode.Unauthorized))
                    .hasMessageContaining("403");
        } finally {
            client.close();
        }
        assertThat(handled).contains(new WorkloadRoutes.Handled("mod1", "POST", "/modules/mod2/genid/"
                + identities.get("mod2").generationId() + "/sign", 403));
    }

    private Map<String, String> env(String workloadUri, String moduleId) {
        return Map.of("IOTEDGE_WORKLOADURI", workloadUri, "IOTEDGE_IOTHUBHOSTNAME", hub.hostName(),
                "IOTEDGE_DEVICEID", "edge1", "IOTEDGE_MODULEID", moduleId,
                "IOTEDGE_MODULEGENERATIONID", identities.get(moduleId).generationId(),
                "IOTEDGE_APIVERSION", "2020-07-07", "IOTEDGE_AUTHSCHEME", "sasToken");
    }

    // No trust settings: the client must take them from the workload API's trust bundle.
    private ClientOptions options() {
        return ClientOptions.builder().port(hub.mqttPort()).connectTimeout(Duration.ofSeconds(10))
                .operationTimeout(Duration.ofSeconds(20)).build();
    }
}
