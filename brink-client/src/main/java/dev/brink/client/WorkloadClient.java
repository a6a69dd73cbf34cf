package dev.brink.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.message.UriCoding;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The two calls a module makes to the edge workload API: {@code sign} and {@code trust-bundle}
 * (reference §4). {@code http(s)://} URIs go through {@link HttpClient}; {@code unix:///path} through
 * {@link UnixHttp}, since {@link HttpClient} cannot dial a unix socket.
 */
public final class WorkloadClient {
    public static final String DEFAULT_API_VERSION = "2018-06-28";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUri;
    private final String apiVersion;
    private final HttpClient http;

    /**
     * @param workloadUri {@code IOTEDGE_WORKLOADURI}: {@code unix:///var/run/iotedge/workload.sock} or
     *     {@code http://127.0.0.1:15581/}
     * @param apiVersion {@code IOTEDGE_APIVERSION}, or null for {@link #DEFAULT_API_VERSION}
     */
    public WorkloadClient(String workloadUri, String apiVersion) {
        Objects.requireNonNull(workloadUri, "workloadUri");
        try {
            this.baseUri = URI.create(workloadUri.endsWith("/") ? workloadUri : workloadUri + "/");
        } catch (IllegalArgumentException e) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "invalid workload URI '" + workloadUri + "'");
        }
        String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme();
        if (!scheme.equals("unix") && !scheme.equals("http") && !scheme.equals("https")) {
            throw new IotHubClientException(ErrorCode.ArgumentInvalid, "workload URI '" + workloadUri
                    + "' must use unix://, http:// or https://");
        }
        this.apiVersion = apiVersion == null || apiVersion.isBlank() ? DEFAULT_API_VERSION : apiVersion;
        this.http = scheme.equals("unix") ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /**
     * Signs {@code base64Data} with the module's primary key.
     *
     * @return the base64 HMAC-SHA256 digest
     */
    public String sign(String moduleId, String generationId, String base64Data) {
        String path = "modules/" + UriCoding.encode(moduleId) + "/genid/" + UriCoding.encode(generationId)
                + "/sign?api-version=" + UriCoding.encode(apiVersion);
        String body = Json.write(Json.object().put("keyId", "primary").put("algo", "HMACSHA256")
                .put("data", base64Data));
        return requiredText(call("POST", path, body), "digest", "sign");
    }

    /** The PEM bundle of CAs a module should trust (the edge CA that signed the edge hub's certificate). */
    public String trustBundle() {
        return requiredText(call("GET", "trust-bundle?api-version=" + UriCoding.encode(apiVersion), null),
                "certificate", "trust-bundle");
    }

    private JsonNode call(String method, String relativePath, String body) {
        int status;
        String responseBody;
        try {
            if (http == null) {
                UnixHttp.Response r = UnixHttp.exchange(baseUri.getPath(), method, "/" + relativePath, body, TIMEOUT);
                status = r.status();
                responseBody = r.body();
            } else {
                HttpRequest.Builder rb = HttpRequest.newBuilder(baseUri.resolve(relativePath)).timeout(TIMEOUT)
                        .header("Accept", "application/json");
                rb = body == null ? rb.GET() : rb.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
                HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                responseBody = r.body();
            }
        } catch (IOException e) {
            throw new IotHubClientException(ErrorCode.ServiceUnavailable, "workload API " + baseUri + " unreachable: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IotHubClientException(ErrorCode.ServiceUnavailable, "interrupted while calling the workload API");
        }
        return parse(method, relativePath, status, responseBody);
    }

    private JsonNode parse(String method, String path, int status, String body) {
        JsonNode json = null;
        try {
            json = body == null || body.isBlank() ? null : Json.parse(body);
        } catch (BrinkException notJson) {
            // reported below with the status
        }
        if (status / 100 != 2) {
            String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : body;
            ErrorCode code = status == 401 || status == 403 ? ErrorCode.Unauthorized
                    : status == 404 ? ErrorCode.NotFound : ErrorCode.ServiceUnavailable;
            throw new IotHubClientException(code, "workload API " + method + " " + path.replaceAll("\\?.*", "")
                    + " failed with " + status + ": " + message);
        }
        if (json == null) {
            throw new IotHubClientException(ErrorCode.ServiceUnavailable, "workload API " + method + " "
                    + path.replaceAll("\\?.*", "") + " returned no JSON body");
        }
        return json;
    }

    private static String requiredText(JsonNode json, String field, String call) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IotHubClientException(ErrorCode.ServiceUnavailable, "workload API " + call
                    + " response has no '" + field + "'");
        }
        return v.asText();
    }
}
