package dev.brink.client.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The transport under {@link HubServiceClient}: builds the URL, signs every request with a fresh SAS token
 * (like the official service SDK: sr = lower-case host, one hour, skn = policy), sends JSON and turns error
 * statuses into {@link HubServiceException}.
 */
final class ServiceHttp {
    static final String API_VERSION = "2021-04-12";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final ServiceEndpoint endpoint;
    private final HttpClient http;
    private final Clock clock;
    private final AtomicLong requestIds = new AtomicLong();

    ServiceHttp(ServiceEndpoint endpoint, SSLContext sslContext, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
    }

    ServiceEndpoint endpoint() {
        return endpoint;
    }

    /** A response: status, headers we care about, and the parsed body ({@link NullNode} when empty). */
    record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * Sends one request.
     *
     * @param method GET, PUT, POST, PATCH or DELETE (a real PATCH: unlike HttpURLConnection, which makes the
     *     official SDK send POST + {@code X-HTTP-Method-Override}, java.net.http can send it)
     * @param path the resource path with ids already escaped, e.g. {@code /devices/dev1}
     * @param query extra query parameters (already escaped) appended after api-version, or null
     */
    Response send(String method, String path, String query, JsonNode body, Map<String, String> headers,
            Duration timeout) {
        URI uri = URI.create("https://" + endpoint.hostAndPort() + path + "?api-version=" + API_VERSION
                + (query == null ? "" : "&" + query));
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout == null ? DEFAULT_TIMEOUT : timeout)
                .method(method, publisher)
                .header("Authorization", token())
                .header("Accept", "application/json")
                .header("Request-Id", Long.toString(requestIds.incrementAndGet()))
                .header("User-Agent", "brink-service-client");
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
        }
        if (headers != null) {
            headers.forEach(request::header);
        }
        HttpResponse<String> response = execute(request.build());
        if (response.statusCode() >= 300) {
            throw HubServiceException.fromResponse(response.statusCode(), response.body());
        }
        return new Response(response.statusCode(), parseBody(response), response.headers());
    }

    /**
     * Sends one request with a raw (non-JSON) body, or none, and returns the response body as a stream, for
     * C2D sends and the events stream. Error statuses are read fully and thrown as {@link HubServiceException}.
     *
     * @param timeout how long to wait for the response headers (a streamed body may take longer)
     */
    HttpResponse<java.io.InputStream> sendRaw(String method, String path, String query, byte[] body,
            Map<String, String> headers, Duration timeout) {
        URI uri = URI.create("https://" + endpoint.hostAndPort() + path + "?api-version=" + API_VERSION
                + (query == null ? "" : "&" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout == null ? DEFAULT_TIMEOUT : timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", token())
                .header("Request-Id", Long.toString(requestIds.incrementAndGet()))
                .header("User-Agent", "brink-service-client");
        if (headers != null) {
            headers.forEach(request::header);
        }
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, (isTlsFailure(e)
                    ? "TLS handshake with the hub at https://" + endpoint.hostAndPort()
                            + " failed (is its CA certificate trusted?): "
                    : "cannot reach the hub at https://" + endpoint.hostAndPort() + ": ") + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted while calling the hub", e);
        }
        if (response.statusCode() >= 300) {
            String text;
            try (java.io.InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw HubServiceException.fromResponse(response.statusCode(), text);
        }
        return response;
    }

    private String token() {
        long expiry = clock.instant().plus(TOKEN_LIFETIME).getEpochSecond();
        return SasTokens.create(endpoint.host().toLowerCase(Locale.ROOT), endpoint.key(), expiry, endpoint.keyName());
    }

    private HttpResponse<String> execute(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (isTlsFailure(e)) {
                throw new BrinkException(ErrorCode.ServiceUnavailable, "TLS handshake with the hub at https://"
                        + endpoint.hostAndPort() + " failed (is its CA certificate trusted?): " + describe(e), e);
            }
            throw new BrinkException(ErrorCode.ServiceUnavailable, "cannot reach the hub at https://"
                    + endpoint.hostAndPort() + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "interrupted while calling the hub", e);
        }
    }

    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static JsonNode parseBody(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServerError, "the hub answered " + response.statusCode()
                    + " with a body that is not JSON: " + abbreviate(text));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
