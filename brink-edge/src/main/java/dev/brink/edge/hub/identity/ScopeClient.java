package dev.brink.edge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceException;
import dev.brink.client.service.PemTrust;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Reads the edge device's scope from the hub: {@code GET /devices/{edge}/modules/$edgeHub/
 * devicesAndModulesInDeviceScope}, page after page, as the edge device itself — every request carries a
 * device-scoped SAS token ({@code sr = {hub}/devices/{edgeId}}, signed with the edge device key, no {@code skn}),
 * as {@code agent.HubIdentityClient} does for module identities. Failures to reach the hub are
 * {@code ServiceUnavailable}; the hub's refusals are {@link HubServiceException}s. Blocking; thread-safe.
 */
public final class ScopeClient {
    static final String API_VERSION = "2021-04-12";
    /** Devices per page (the hub caps at 1000). */
    static final int PAGE_SIZE = 500;
    /** A guard against a hub that keeps answering with continuation tokens. */
    private static final int MAX_PAGES = 10_000;
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final String hubHostName;
    private final String httpsAuthority;
    private final String edgeDeviceId;
    private final String edgeDeviceKey;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param hubHostName    the hub name (SAS audience host; also what clients' tokens must name)
     * @param httpsAuthority {@code host:port} of the hub's HTTPS endpoint
     * @param sslContext     trust for the hub's certificate, or null for the JVM default
     * @param timeout        per request (and connect)
     */
    public ScopeClient(String hubHostName, String httpsAuthority, String edgeDeviceId, String edgeDeviceKey,
            SSLContext sslContext, Clock clock, Duration timeout) {
        this.hubHostName = Objects.requireNonNull(hubHostName, "hubHostName");
        this.httpsAuthority = Objects.requireNonNull(httpsAuthority, "httpsAuthority");
        this.edgeDeviceId = Objects.requireNonNull(edgeDeviceId, "edgeDeviceId");
        this.edgeDeviceKey = Objects.requireNonNull(edgeDeviceKey, "edgeDeviceKey");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.http = b.build();
    }

    /** A client trusting only {@code hubCaPem} (the hub's CA certificate, PEM; null: the JVM's trust store), 20 s timeout. */
    public static ScopeClient create(String hubHostName, String httpsAuthority, String edgeDeviceId,
            String edgeDeviceKey, String hubCaPem, Clock clock) {
        return new ScopeClient(hubHostName, httpsAuthority, edgeDeviceId, edgeDeviceKey,
                hubCaPem == null ? null : PemTrust.fromPem(hubCaPem), clock, Duration.ofSeconds(20));
    }

    public String hubHostName() {
        return hubHostName;
    }

    public String edgeDeviceId() {
        return edgeDeviceId;
    }

    /** The edge device's key (the cache checks device-audience tokens of the edge's own modules with it). */
    String edgeDeviceKey() {
        return edgeDeviceKey;
    }

    /**
     * Every identity of the scope (devices first, then modules, page by page). Only returns when all pages
     * arrived, so a caller never sees half a scope.
     *
     * @throws BrinkException ServiceUnavailable when the hub cannot be reached; a {@link HubServiceException}
     *     when it refuses (e.g. 401 for a wrong key, 404 when the edge device was deleted)
     */
    public List<ScopeIdentity> fetchScope() {
        List<ScopeIdentity> devices = new ArrayList<>();
        List<ScopeIdentity> modules = new ArrayList<>();
        String continuation = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode body = get(continuation);
            body.path("devices").forEach(d -> devices.add(ScopeIdentity.fromJson(d)));
            body.path("modules").forEach(m -> modules.add(ScopeIdentity.fromJson(m)));
            JsonNode next = body.path("continuationToken");
            if (!next.isTextual() || next.textValue().isEmpty()) {
                devices.addAll(modules);
                return devices;
            }
            continuation = next.textValue();
        }
        throw new BrinkException(ErrorCode.ServerError, "the hub's device scope did not end after " + MAX_PAGES
                + " pages");
    }

    private JsonNode get(String continuation) {
        URI uri = URI.create("https://" + httpsAuthority + "/devices/" + enc(edgeDeviceId) + "/modules/"
                + enc("$edgeHub") + "/devicesAndModulesInDeviceScope?deviceCount=" + PAGE_SIZE
                + (continuation == null ? "" : "&continuationToken=" + enc(continuation))
                + "&api-version=" + API_VERSION);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Authorization", token())
                .header("Accept", "application/json")
                .header("User-Agent", "brink-edge")
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "cannot reach the hub at https://" + httpsAuthority
                    + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted while calling the hub", e);
        }
        if (r.statusCode() != 200) {
            throw HubServiceException.fromResponse(r.statusCode(), r.body());
        }
        return Json.parse(r.body());
    }

    private String token() {
        return SasTokens.create(hubHostName + "/devices/" + edgeDeviceId, edgeDeviceKey,
                clock.instant().plus(TOKEN_LIFETIME).getEpochSecond(), null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
