package dev.brink.edge.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.client.service.HubServiceException;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import dev.brink.edge.EdgeTestbed;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.mqtt.Authentication;
import dev.brink.mqtt.ConnectRefusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge hub's identity cache against a real hub in-process: edge1 has child {@code child1} and module
 * {@code filter}; {@code leaf} has no parent; {@code foreign} is a child of edge2.
 */
@Timeout(120)
class ScopeIdentityCacheTest {
    @TempDir
    Path dir;

    HubServer hub;
    HubServiceClient service;
    String edgeKey;
    String childKey;
    String leafKey;
    String foreignKey;
    String filterKey;
    MutableClock clock = new MutableClock();
    ScopeIdentityCache cache;

    @BeforeEach
    void start() throws Exception {
        hub = HubServer.start(HubConfig.builder().dataDir(dir.resolve("hub")).httpsPort(0)
                .mqttPort(EdgeTestbed.freePort()).build());
        service = HubServiceClient.create(hub.serviceConnectionString(), hub.caCertificatePem());
        JsonNode edge = device("edge1", "\"capabilities\":{\"iotEdge\":true}");
        edgeKey = key(edge);
        JsonNode edge2 = device("edge2", "\"capabilities\":{\"iotEdge\":true}");
        childKey = key(child("child1", edge));
        leafKey = key(device("leaf", null));
        foreignKey = key(child("foreign", edge2));
        filterKey = key(service.createModule("edge1", "filter", null));
    }

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
        hub.close();
    }

    JsonNode device(String id, String extra) {
        return service.createDevice(Json.parseObject("{\"deviceId\":\"" + id + "\"" + (extra == null ? "" : "," + extra)
                + "}"));
    }

    JsonNode child(String id, JsonNode parent) {
        return device(id, "\"parentScopes\":[\"" + parent.path("deviceScope").asText() + "\"]");
    }

    static String key(JsonNode identity) {
        return identity.at("/authentication/symmetricKey/primaryKey").asText();
    }

    ScopeClient client(String key) {
        return new ScopeClient(hub.hostName(), "127.0.0.1:" + hub.httpsPort(), "edge1", key,
                dev.brink.client.service.PemTrust.fromPem(hub.caCertificatePem()), clock, Duration.ofSeconds(10));
    }

    ScopeIdentityCache open() {
        return ScopeIdentityCache.open(dir.resolve("edgehub/identities.db"), client(edgeKey), clock);
    }

    String token(String audience, String key) {
        return token(audience, key, Instant.now().plus(Duration.ofHours(1)));
    }

    String token(String audience, String key, Instant expiry) {
        return SasTokens.create(hub.hostName() + "/devices/" + audience, key, expiry.getEpochSecond(), null);
    }

    String username(String clientId) {
        return hub.hostName() + "/" + clientId + "/?api-version=2021-04-12";
    }

    Authentication connect(String clientId, String password) {
        return cache.authenticate(clientId, username(clientId), password);
    }

    static void assertAccepted(Authentication a, IdentityKey key) {
        assertThat(a).isInstanceOf(Authentication.Accepted.class);
        assertThat(((Authentication.Accepted) a).key()).isEqualTo(key);
    }

    static void assertRefused(Authentication a, ConnectRefusal code, String reason) {
        assertThat(a).isInstanceOf(Authentication.Refused.class);
        assertThat(((Authentication.Refused) a).code()).isEqualTo(code);
        assertThat(((Authentication.Refused) a).reason()).contains(reason);
    }

    @Test
    void childIsAcceptedAndEverythingOutsideTheScopeIsRefused() {
        cache = open();
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        Authentication child = connect("child1", token("child1", childKey, expiry));
        assertAccepted(child, IdentityKey.device("child1"));
        assertThat(((Authentication.Accepted) child).tokenExpiresAt()).isEqualTo(expiry.getEpochSecond());
        // any username that does not have the IoT Hub shape is ignored; the token decides
        assertAccepted(cache.authenticate("child1", "anything", token("child1", childKey)), IdentityKey.device("child1"));

        assertRefused(connect("leaf", token("leaf", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "not a child");
        assertRefused(connect("foreign", token("foreign", foreignKey)), ConnectRefusal.NOT_AUTHORIZED, "not a child");
        assertRefused(connect("ghost", token("ghost", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "unknown identity");
        assertRefused(connect("child1", token("child1", leafKey)), ConnectRefusal.NOT_AUTHORIZED,
                "signature does not match");
        assertRefused(connect("child1", token("child1", childKey, Instant.now().minus(Duration.ofHours(1)))),
                ConnectRefusal.NOT_AUTHORIZED, "expired");
        assertRefused(connect("edge1", token("edge1", edgeKey)), ConnectRefusal.NOT_AUTHORIZED, "itself");
        assertRefused(cache.authenticate("child1", username("leaf"), token("child1", childKey)),
                ConnectRefusal.NOT_AUTHORIZED, "username names device leaf");
        assertRefused(connect("child1", token("leaf", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "audience device");
        assertRefused(cache.authenticate("a/b/c", "u", "p"), ConnectRefusal.IDENTIFIER_REJECTED, "client id");
        assertRefused(cache.authenticate("child1", "u", null), ConnectRefusal.BAD_USERNAME_OR_PASSWORD, "password");

        assertThat(cache.contains(IdentityKey.device("child1"))).isTrue();
        assertThat(cache.primaryKey(IdentityKey.device("child1"))).contains(childKey);
        assertThat(cache.contains(IdentityKey.device("leaf"))).isFalse();
        assertThat(cache.contains(IdentityKey.device("edge1"))).isFalse();
        assertThat(cache.primaryKey(IdentityKey.device("foreign"))).isEmpty();
    }

    @Test
    void modulesOfTheEdgeAreAcceptedWithTheirKeyOrAnEdgeDeviceToken() {
        cache = open();
        IdentityKey filter = IdentityKey.module("edge1", "filter");
        assertAccepted(connect("edge1/filter", token("edge1/modules/filter", filterKey)), filter);
        assertAccepted(connect("edge1/filter", token("edge1", edgeKey)), filter);
        assertAccepted(connect("edge1/$edgeHub", token("edge1", edgeKey)), IdentityKey.module("edge1", "$edgeHub"));
        assertRefused(connect("edge1/filter", token("edge1/modules/filter", childKey)), ConnectRefusal.NOT_AUTHORIZED,
                "signature does not match");
        assertRefused(connect("edge1/filter", token("edge1/modules/other", filterKey)), ConnectRefusal.NOT_AUTHORIZED,
                "audience module");
        assertRefused(connect("edge1/nosuch", token("edge1", edgeKey)), ConnectRefusal.NOT_AUTHORIZED,
                "unknown identity");
        assertThat(cache.primaryKey(filter)).contains(filterKey);
        // the official SDK signs with IOTEDGE_IOTHUBHOSTNAME verbatim, which carries the hub's port if it has one
        String withPort = SasTokens.create(hub.hostName() + ":8883/devices/edge1/modules/filter", filterKey,
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
        assertAccepted(connect("edge1/filter", withPort), filter);
        String otherHost = SasTokens.create("other" + hub.hostName() + ":8883/devices/edge1/modules/filter",
                filterKey, Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), null);
        assertRefused(connect("edge1/filter", otherHost), ConnectRefusal.NOT_AUTHORIZED, "audience host");
    }

    @Test
    void afterTheHubStopsAReopenedCacheStillAuthenticatesFromTheFile() {
        cache = open();
        assertThat(cache.lastSync()).isNotNull();
        cache.close();
        cache = null;
        hub.close();

        cache = open(); // the refresh at open fails: the hub is gone
        assertAccepted(connect("child1", token("child1", childKey)), IdentityKey.device("child1"));
        assertAccepted(connect("edge1/filter", token("edge1/modules/filter", filterKey)),
                IdentityKey.module("edge1", "filter"));
        assertRefused(connect("leaf", token("leaf", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "not a child");
        assertRefused(connect("ghost", token("ghost", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "unknown identity");
        assertRefused(connect("child1", token("child1", leafKey)), ConnectRefusal.NOT_AUTHORIZED, "signature");
    }

    @Test
    void aChildAddedAtTheHubIsAcceptedAfterTheOnDemandRefreshAtMostOncePerTenSeconds() {
        cache = open();
        JsonNode edge = service.getDevice("edge1");
        String key2 = key(child("child2", edge));
        assertAccepted(connect("child2", token("child2", key2)), IdentityKey.device("child2"));

        String key3 = key(child("child3", edge));
        // within 10 s of the last on-demand refresh the hub is not asked again
        clock.advance(Duration.ofSeconds(5));
        assertRefused(connect("child3", token("child3", key3)), ConnectRefusal.NOT_AUTHORIZED, "unknown identity");
        clock.advance(Duration.ofSeconds(6));
        assertAccepted(connect("child3", token("child3", key3)), IdentityKey.device("child3"));
    }

    @Test
    void aKnownModuleWhoseKeysChangedAtTheHubIsAcceptedAfterTheOnDemandRefresh() {
        // as when a deployment created the module identity before the edge started, and the agent then set its keys
        cache = open();
        service.deleteModule("edge1", "filter", null);
        String newKey = key(service.createModule("edge1", "filter", null));
        IdentityKey filter = IdentityKey.module("edge1", "filter");
        assertAccepted(connect("edge1/filter", token("edge1/modules/filter", newKey)), filter);
        assertThat(cache.primaryKey(filter)).contains(newKey);
        // a wrong key still fails, and within 10 s of that refresh the hub is not asked again
        assertRefused(connect("edge1/filter", token("edge1/modules/filter", filterKey)), ConnectRefusal.NOT_AUTHORIZED,
                "signature does not match");
    }

    @Test
    void removedAndDisabledIdentitiesAreRefusedAfterARefresh() {
        cache = open();
        assertAccepted(connect("child1", token("child1", childKey)), IdentityKey.device("child1"));
        service.updateDevice(Json.parseObject("{\"deviceId\":\"child1\",\"status\":\"disabled\"}"), null);
        cache.refresh();
        assertRefused(connect("child1", token("child1", childKey)), ConnectRefusal.NOT_AUTHORIZED, "disabled");
        assertThat(cache.contains(IdentityKey.device("child1"))).isFalse();

        service.deleteModule("edge1", "filter", null);
        cache.refresh();
        assertRefused(connect("edge1/filter", token("edge1/modules/filter", filterKey)),
                ConnectRefusal.NOT_AUTHORIZED, "unknown identity");
    }

    @Test
    void aRefusedRefreshKeepsTheCacheAndTheHubRefusesAWrongEdgeKey() {
        cache = open();
        assertThatThrownBy(() -> client(leafKey).fetchScope()).isInstanceOf(HubServiceException.class)
                .satisfies(e -> assertThat(((HubServiceException) e).httpStatus()).isEqualTo(401));
        cache.close();
        cache = ScopeIdentityCache.open(dir.resolve("edgehub/identities.db"), client(leafKey), clock);
        assertAccepted(connect("child1", token("child1", childKey)), IdentityKey.device("child1"));
    }

    @Test
    void theFileHoldingKeysIsOwnerOnly() throws Exception {
        cache = open();
        Path file = dir.resolve("edgehub/identities.db");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Path wal = dir.resolve("edgehub/identities.db-wal");
        if (Files.exists(wal)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wal))).isEqualTo("rw-------");
        }
    }

    /** The system clock plus an offset the test moves forward (SAS expiry still checks against real time + offset). */
    static final class MutableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
