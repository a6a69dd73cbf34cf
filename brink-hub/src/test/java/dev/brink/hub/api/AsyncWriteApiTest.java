package dev.brink.hub.api;

import static dev.brink.hub.api.Api.errorCode;
import static dev.brink.hub.api.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.id.IdentityKey;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous write path (REST writes answered from the store's future, no worker held): many writes
 * in flight at once, desired listeners hearing each committed change exactly once, in commit order,
 * before the response; errors raised inside write tasks reaching the client with their own code.
 */
class AsyncWriteApiTest {
    private static TestHub hub;
    private static final Map<IdentityKey, List<Long>> heard = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        hub = Api.startHub();
        hub.hub().twins().addDesiredListener((key, patch) -> heard.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                .add(patch.path("$version").asLong()));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(hub.baseUri().resolve(path + "?api-version=" + TestHub.API_VERSION))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", hub.serviceToken())
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return hub.http().sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void concurrentDesiredPatchesAreHeardOnceInCommitOrderBeforeTheyComplete() throws Exception {
        int twins = 3;
        int perTwin = 150;
        for (int t = 0; t < twins; t++) {
            hub.hub().registry().putDevice("order" + t, Json.object(), null);
        }
        // all queued at once, so the store groups many of them per commit
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (int i = 0; i < perTwin; i++) {
            for (int t = 0; t < twins; t++) {
                IdentityKey key = IdentityKey.device("order" + t);
                done.add(hub.hub().twins().patchTwinAsync(key,
                        Json.parseObject("{\"properties\":{\"desired\":{\"n\":" + i + "}}}"), null)
                        .thenApply(twin -> heard(key).contains(desiredVersion(twin))));
            }
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(done).allSatisfy(d -> assertThat(d.join()).as("listener ran before completion").isTrue());
        for (int t = 0; t < twins; t++) {
            // desired $version starts at 1 and every patch changes "n": 2..perTwin+1, each once, ascending
            List<Long> expected = new ArrayList<>();
            for (long v = 2; v <= perTwin + 1; v++) {
                expected.add(v);
            }
            assertThat(heard(IdentityKey.device("order" + t))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void restPatchesInFlightAtOnceAreAnsweredAfterTheListenersRan() throws Exception {
        hub.send("PUT", "/devices/rest-order", "{}");
        IdentityKey key = IdentityKey.device("rest-order");
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            answers.add(sendAsync("PATCH", "/twins/rest-order", "{\"properties\":{\"desired\":{\"n\":" + i + "}}}")
                    .thenApply(r -> {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        long version = desiredVersion(json(r));
                        assertThat(heard(key)).as("heard before the response").contains(version);
                        return version;
                    }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(answers.stream().map(CompletableFuture::join)).doesNotHaveDuplicates().hasSize(24);
        assertThat(heard(key)).hasSize(24).isSorted();
    }

    private static List<Long> heard(IdentityKey key) {
        return heard.getOrDefault(key, List.of());
    }

    private static long desiredVersion(JsonNode twin) {
        return twin.path("properties").path("desired").path("$version").asLong();
    }

    @Test
    void errorsRaisedInsideWriteTasksKeepTheirCode() {
        assertThat(errorCode(hub.send("PATCH", "/twins/absent-async", "{\"tags\":{\"a\":1}}"))).isEqualTo(404001);
        assertThat(errorCode(hub.send("PUT", "/twins/absent-async", "{\"tags\":{}}"))).isEqualTo(404001);
        assertThat(errorCode(hub.send("DELETE", "/devices/absent-async", null))).isEqualTo(404001);
        assertThat(errorCode(hub.send("POST", "/devices/absent-async/applyConfigurationContent",
                "{\"modulesContent\":{\"m\":{\"properties.desired\":{}}}}"))).isEqualTo(404001);
        hub.send("PUT", "/devices/dup-async", "{}");
        assertThat(errorCode(hub.send("PUT", "/devices/dup-async", "{}"))).isEqualTo(409001);
        assertThat(errorCode(hub.send("PUT", "/devices/dup-async/modules/m", "{}", "If-Match", "*")))
                .isEqualTo(404010);
        // validation before the write is queued: a failed future, not an exception on the event loop
        assertThat(errorCode(hub.send("PATCH", "/twins/dup-async", "[1]"))).isEqualTo(400004);
        assertThat(errorCode(hub.send("PUT", "/devices/bad%20async", "{}"))).isEqualTo(400004);
    }

    @Test
    void asyncServiceMethodsFailTheirFutureWithTheTaskException() {
        CompletableFuture<ObjectNode> missing = hub.hub().twins()
                .patchTwinAsync(IdentityKey.device("absent-svc"), Json.parseObject("{\"tags\":{}}"), null);
        assertThat(missing).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DeviceNotFound));
        // the blocking wrapper rethrows it unwrapped
        try {
            hub.hub().twins().patchTwin(IdentityKey.device("absent-svc"), Json.parseObject("{\"tags\":{}}"), null);
            throw new AssertionError("expected DeviceNotFound");
        } catch (BrinkException e) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.DeviceNotFound);
        } catch (CompletionException e) {
            throw new AssertionError("wrapped exception leaked", e);
        }
    }
}
