package dev.brink.edge.hub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.id.IdentityKey;
import dev.brink.core.json.Json;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import dev.brink.hub.registry.Identity;
import dev.brink.mqtt.TwinReply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable twin cache against a real hub in-process, through a real {@link ClientUpstream} (one brink-client
 * MQTT/TLS connection per identity). "Offline" is the hub really stopped, or the upstream's switch off.
 */
@Timeout(120)
class DurableTwinCacheTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final IdentityKey DEV = IdentityKey.device("dev1");
    private static final IdentityKey MOD = IdentityKey.module("edge1", "mod1");

    @TempDir
    Path dir;
    private HubConfig config;
    private HubServer hub;
    private ClientUpstream upstream;
    private DurableTwinCache cache;
    private final List<Map.Entry<IdentityKey, ObjectNode>> sink = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        config = HubConfig.builder().dataDir(dir.resolve("hub")).host("127.0.0.1").httpsPort(0).mqttPort(freePort())
                .build();
        hub = HubServer.start(config);
        Identity dev = hub.registry().putDevice(DEV.deviceId(), Json.object(), null);
        hub.registry().putDevice(MOD.deviceId(), Json.object(), null);
        Identity mod = hub.registry().putModule(MOD.deviceId(), MOD.moduleId(), Json.object(), null);
        upstream = new ClientUpstream(hub.hostName(), config.mqttPort(), hub.caCertificatePem());
        upstream.connect(DEV, dev.primaryKey());
        upstream.connect(MOD, mod.primaryKey());
        cache = open();
    }

    @AfterEach
    void stop() {
        try {
            cache.close();
            upstream.close();
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    /** Opens the cache and wires it the way the edge hub does: desired pushes in, link-up → linkRestored. */
    private DurableTwinCache open() {
        DurableTwinCache c = DurableTwinCache.open(dir.resolve("edgehub").resolve(DurableTwinCache.FILE_NAME),
                upstream, (who, patch) -> sink.add(new SimpleEntry<>(who, patch)), Clock.systemUTC());
        upstream.onDesired(c::desiredFromHub);
        upstream.onLinkChange(up -> {
            if (up) {
                c.linkRestored();
            }
        });
        return c;
    }

    @Test
    void onlineGetAnswersTheHubsTwinAndCachesItForOfflineGets() throws Exception {
        upstream.dropDesiredUpTo(Long.MAX_VALUE);
        patchDesired(MOD, "{'interval':5,'mode':{'a':1}}");
        hub.twins().patchReported(MOD, json("{'fw':'1.0'}"), Instant.now());
        ObjectNode hubAnswer = hub.twins().getDocument(MOD).toDeviceJson();

        TwinReply online = cache.get(MOD).get(30, TimeUnit.SECONDS);
        assertThat(online.status()).isEqualTo(200);
        assertThat(Json.parse(online.body())).isEqualTo(hubAnswer);

        upstream.setOnline(false);
        assertThat(Json.parse(cache.get(MOD).get(30, TimeUnit.SECONDS).body())).isEqualTo(hubAnswer);
        cache.close();
        cache = open();
        TwinReply afterReopen = cache.get(MOD).get(30, TimeUnit.SECONDS);
        assertThat(afterReopen.status()).isEqualTo(200);
        assertThat(Json.parse(afterReopen.body())).isEqualTo(hubAnswer);
    }

    @Test
    void offlineGetWithoutACopyAnswersAnEmptyTwinAndTheFirstSyncForwardsTheWholeDesiredSection() throws Exception {
        upstream.dropDesiredUpTo(Long.MAX_VALUE);
        patchDesired(MOD, "{'interval':5}");
        upstream.setOnline(false);

        TwinReply reply = cache.get(MOD).get(30, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(Json.parse(reply.body())).isEqualTo(json("{'desired':{'$version':0},'reported':{'$version':0}}"));

        upstream.setOnline(true);
        long version = hub.twins().getDocument(MOD).desiredVersion();
        await().atMost(WAIT).until(() -> !sink.isEmpty());
        assertThat(sink).containsExactly(new SimpleEntry<>(MOD, json("{'interval':5,'$version':" + version + "}")));
    }

    @Test
    void reportedPatchesMadeWhileTheHubIsDownSurviveAReopenAndArriveMergedOnceOnline() throws Exception {
        hub.twins().patchReported(DEV, json("{'keep':1,'drop':'x','nested':{'a':1,'b':2}}"), Instant.now());
        long v0 = Json.parse(cache.get(DEV).get(30, TimeUnit.SECONDS).body()).at("/reported/$version").asLong();
        hub.close();
        hub = null;
        await().atMost(WAIT).until(() -> !upstream.isConnected());

        TwinReply first = patch(DEV, null, "{'drop':null,'nested':{'b':null,'c':3}}");
        assertThat(first.status()).isEqualTo(204);
        assertThat(first.version()).isEqualTo(v0 + 1);
        TwinReply second = patch(DEV, v0 + 1, "{'temp':20}");
        assertThat(second.status()).isEqualTo(204);
        assertThat(second.version()).isEqualTo(v0 + 2);
        ObjectNode expected = json("{'keep':1,'nested':{'a':1,'c':3},'temp':20}");
        assertThat(reported(cache.get(DEV).get(30, TimeUnit.SECONDS))).isEqualTo(section(expected, v0 + 2));

        cache.close();
        cache = open();
        assertThat(reported(cache.get(DEV).get(30, TimeUnit.SECONDS))).isEqualTo(section(expected, v0 + 2));

        hub = HubServer.start(config);
        await().atMost(WAIT).until(() -> hub.twins().getDocument(DEV).reported().equals(expected));
        // The edge's reported $version never goes backwards, although the hub saw one cumulative patch.
        await().atMost(WAIT).until(upstream::isConnected);
        JsonNode after = reported(cache.get(DEV).get(30, TimeUnit.SECONDS));
        assertThat(after.get("$version").asLong()).isGreaterThanOrEqualTo(v0 + 2);
        assertThat(TwinPatches.props((ObjectNode) after)).isEqualTo(expected);
    }

    @Test
    void reportedPatchesAcknowledgedByASigkilledProcessAreNotLost() throws Exception {
        hub.twins().patchReported(DEV, json("{'k0':'old'}"), Instant.now());
        cache.close();
        Path file = dir.resolve("edgehub").resolve(DurableTwinCache.FILE_NAME);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TwinWriterMain.class.getName(), DEV.deviceId(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acked < 30 && (line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acked = Integer.parseInt(line.substring(6));
                }
            }
            child.destroyForcibly(); // SIGKILL in the middle of its next patches
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).isEqualTo(30);

        upstream.setOnline(false);
        cache = open();
        JsonNode local = reported(cache.get(DEV).get(30, TimeUnit.SECONDS));
        int n = local.get("n").asInt();
        assertThat(n).isGreaterThanOrEqualTo(acked); // every acknowledged patch, maybe one more
        assertThat(TwinPatches.props((ObjectNode) local)).isEqualTo(json("{'n':" + n + ",'k" + n + "':" + n + "}"));

        upstream.setOnline(true);
        await().atMost(WAIT).until(() -> hub.twins().getDocument(DEV).reported()
                .equals(json("{'n':" + n + ",'k" + n + "':" + n + "}")));
    }

    @Test
    void aDesiredPatchAfterAVersionGapTriggersAFullSyncThatForwardsTheDifference() throws Exception {
        upstream.dropDesiredUpTo(Long.MAX_VALUE);
        patchDesired(MOD, "{'y':0,'z':1}");
        assertThat(cache.get(MOD).get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        long lost = patchDesired(MOD, "{'z':null,'x':1}");
        upstream.dropDesiredUpTo(lost);

        long latest = patchDesired(MOD, "{'y':2}");

        await().atMost(WAIT).until(() -> !sink.isEmpty());
        assertThat(sink).containsExactly(new SimpleEntry<>(MOD,
                json("{'z':null,'x':1,'y':2,'$version':" + latest + "}")));
        upstream.setOnline(false);
        assertThat(Json.parse(cache.get(MOD).get(30, TimeUnit.SECONDS).body()).get("desired"))
                .isEqualTo(json("{'y':2,'x':1,'$version':" + latest + "}"));
    }

    @Test
    void desiredPatchesMadeAtTheHubWhileOfflineReachTheSinkAfterTheLinkIsRestored() throws Exception {
        upstream.dropDesiredUpTo(Long.MAX_VALUE);
        long cached = patchDesired(MOD, "{'interval':5,'mode':'a','old':true}");
        assertThat(cache.get(MOD).get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        upstream.dropDesiredUpTo(cached);

        upstream.setOnline(false);
        patchDesired(MOD, "{'interval':10}");
        long offline = patchDesired(MOD, "{'old':null}");
        assertThat(Json.parse(cache.get(MOD).get(30, TimeUnit.SECONDS).body()).at("/desired/interval").asInt())
                .isEqualTo(5);
        upstream.dropDesiredUpTo(offline); // the pushes the hub made meanwhile were lost with the link
        upstream.setOnline(true);

        await().atMost(WAIT).until(() -> !sink.isEmpty());
        assertThat(sink).containsExactly(new SimpleEntry<>(MOD,
                json("{'interval':10,'old':null,'$version':" + offline + "}")));

        // Back in step: the next version is applied and forwarded as the hub sent it.
        long next = patchDesired(MOD, "{'mode':'b'}");
        await().atMost(WAIT).until(() -> sink.size() == 2);
        assertThat(sink.get(1)).isEqualTo(new SimpleEntry<>(MOD, json("{'mode':'b','$version':" + next + "}")));
        upstream.setOnline(false);
        assertThat(Json.parse(cache.get(MOD).get(30, TimeUnit.SECONDS).body()).get("desired"))
                .isEqualTo(json("{'interval':10,'mode':'b','$version':" + next + "}"));
    }

    @Test
    void aWrongExpectedVersionIs412AndChangesNothing() throws Exception {
        upstream.setOnline(false);
        TwinReply ok = patch(DEV, null, "{'a':1}");
        assertThat(ok.status()).isEqualTo(204);

        TwinReply refused = patch(DEV, ok.version() + 5, "{'a':2}");

        assertThat(refused.status()).isEqualTo(412);
        assertThat(Json.parse(refused.body()).get("errorCode").asInt()).isEqualTo(412001);
        assertThat(reported(cache.get(DEV).get(30, TimeUnit.SECONDS)))
                .isEqualTo(json("{'a':1,'$version':" + ok.version() + "}"));
    }

    @Test
    void invalidJsonAndPatchesBreakingTheTwinLimitsAre400() throws Exception {
        for (String body : List.of("{not json", "[1,2]", "{\"bad key\":1}", "{\"s\":\"" + "x".repeat(5000) + "\"}")) {
            TwinReply reply = cache.patchReported(DEV, null, body.getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(Json.parse(reply.body()).get("errorCode").asInt()).isEqualTo(400004);
        }
        upstream.setOnline(false);
        assertThat(reported(cache.get(DEV).get(30, TimeUnit.SECONDS))).isEqualTo(json("{'$version':0}"));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private TwinReply patch(IdentityKey who, Long expectedVersion, String body) throws Exception {
        return cache.patchReported(who, expectedVersion, body.replace('\'', '"').getBytes(StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS);
    }

    /** Patches desired at the hub (a service PATCH); returns the new desired $version. */
    private long patchDesired(IdentityKey who, String desired) {
        ObjectNode body = Json.object();
        body.putObject("properties").set("desired", json(desired));
        hub.twins().patchTwin(who, body, null);
        return hub.twins().getDocument(who).desiredVersion();
    }

    private static JsonNode reported(TwinReply reply) {
        assertThat(reply.status()).isEqualTo(200);
        return Json.parse(reply.body()).get("reported");
    }

    private static ObjectNode section(ObjectNode props, long version) {
        return TwinPatches.section(props, version);
    }

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"'));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
