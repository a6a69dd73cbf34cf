package dev.brink.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.client.service.HubServiceException;
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
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The hub's module-identity REST API, called as the edge device itself: every request carries a device-scoped
 * SAS token ({@code sr = {hub}/devices/{edgeId}}, signed with the device key, no {@code skn}), which the hub
 * accepts for that device's own modules only. Failures to reach the hub are {@code ServiceUnavailable}.
 */
public final class HubIdentityClient {
    static final String API_VERSION = "2021-04-12";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String hubHostName;
    private final String httpsAuthority;
    private final String deviceId;
    private final String deviceKey;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @param hubHostName    the hub name (SAS audience host)
     * @param httpsAuthority {@code host:port} of the hub's HTTPS endpoint
     * @param sslContext     trust for the hub's certificate, or null for the JVM default
     */
    public HubIdentityClient(String hubHostName, String httpsAuthority, String deviceId, String deviceKey,
            SSLContext sslContext, Clock clock) {
        this.hubHostName = hubHostName;
        this.httpsAuthority = httpsAuthority;
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.clock = clock;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.http = b.build();
    }

    public Optional<JsonNode> getModule(String moduleId) {
        try {
            return Optional.of(send("GET", moduleId, null, false));
        } catch (HubServiceException e) {
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates the module identity (no If-Match: fails with 409 if it exists); the hub assigns its generation id. */
    public JsonNode createModule(String moduleId, String managedBy) {
        ObjectNode body = Json.object().put("deviceId", deviceId).put("moduleId", moduleId).put("managedBy", managedBy);
        return send("PUT", moduleId, body, false);
    }

    /** Sets the module's SAS keys and managedBy ({@code If-Match: *}). */
    public JsonNode updateModuleKeys(String moduleId, String managedBy, String primaryKey, String secondaryKey) {
        ObjectNode body = Json.object().put("deviceId", deviceId).put("moduleId", moduleId).put("managedBy", managedBy);
        ObjectNode auth = body.putObject("authentication").put("type", "sas");
        auth.putObject("symmetricKey").put("primaryKey", primaryKey).put("secondaryKey", secondaryKey);
        return send("PUT", moduleId, body, true);
    }

    /** Deletes the module identity; a module already gone counts as deleted. */
    public void deleteModule(String moduleId) {
        try {
            send("DELETE", moduleId, null, true);
        } catch (HubServiceException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
    }

    private JsonNode send(String method, String moduleId, JsonNode body, boolean ifMatchAny) {
        URI uri = URI.create("https://" + httpsAuthority + "/devices/" + enc(deviceId) + "/modules/" + enc(moduleId)
                + "?api-version=" + API_VERSION);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8))
                .header("Authorization", token())
                .header("Accept", "application/json")
                .header("User-Agent", "brink-edge");
        if (body != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        if (ifMatchAny) {
            b.header("If-Match", "*");
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "cannot reach the hub at https://" + httpsAuthority
                    + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted while calling the hub", e);
        }
        if (r.statusCode() >= 300) {
            throw HubServiceException.fromResponse(r.statusCode(), r.body());
        }
        return r.body() == null || r.body().isBlank() ? Json.object() : Json.parse(r.body());
    }

    private String token() {
        return SasTokens.create(hubHostName + "/devices/" + deviceId, deviceKey,
                clock.instant().plus(Duration.ofHours(1)).getEpochSecond(), null);
    }

    private static String enc(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
