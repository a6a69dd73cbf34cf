package dev.brink.edge.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import dev.brink.infra.pki.SubjectAltNames;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload API's HTTP routes (reference §5.2) for one listener. A listener bound to a module (its unix
 * socket) acts only for that module; an unbound listener (the development TCP port) trusts the module named
 * in the path. Every answer is JSON with a Content-Length (the Java SDK reads unix-socket replies to EOF and
 * cannot decode chunks; Node parses bodies only with {@code Content-Type: application/json}).
 */
final class WorkloadRoutes {
    /** Oldest api-version accepted: what the Java and Node SDKs send (they ignore IOTEDGE_APIVERSION). */
    static final String MIN_API_VERSION = "2018-06-28";
    static final Duration DEFAULT_SERVER_CERT_VALIDITY = Duration.ofDays(90);
    private static final int BODY_LIMIT = 64 * 1024;
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadRoutes.class);

    /** What a request did, for tests and diagnostics; never carries data, digests or keys. */
    record Handled(String boundModule, String method, String path, int status) {
    }

    /** A request the API refuses with {@code status} and {@code {"message": ...}}. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private record Reply(int status, ObjectNode body) {
    }

    private final Vertx vertx;
    private final EdgeCa ca;
    private final ModuleKeys keys;
    private final Clock clock;
    private final Consumer<Handled> observer;

    WorkloadRoutes(Vertx vertx, EdgeCa ca, ModuleKeys keys, Clock clock, Consumer<Handled> observer) {
        this.vertx = vertx;
        this.ca = ca;
        this.keys = keys;
        this.clock = clock;
        this.observer = observer;
    }

    /** A router for one listener; {@code boundModule} null means "the module named in the path" (dev TCP). */
    Router router(String boundModule) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.route().handler(WorkloadRoutes::requireApiVersion);
        router.post("/modules/:module/genid/:genid/sign")
                .handler(ctx -> respond(ctx, boundModule, () -> sign(ctx, boundModule)));
        router.post("/modules/:module/genid/:genid/certificate/server")
                .handler(ctx -> respond(ctx, boundModule, () -> serverCertificate(ctx, boundModule)));
        router.get("/trust-bundle").handler(ctx -> respond(ctx, boundModule,
                () -> new Reply(200, Json.object().put("certificate", ca.trustBundlePem()))));
        router.errorHandler(404, ctx -> send(ctx, boundModule, 404, message("no such workload API route")));
        router.errorHandler(405, ctx -> send(ctx, boundModule, 405, message("method not allowed")));
        router.errorHandler(413, ctx -> send(ctx, boundModule, 413, message("request body too large")));
        router.errorHandler(500, ctx -> {
            LOG.error("Workload API request {} failed", ctx.request().path(), ctx.failure());
            send(ctx, boundModule, 500, message("internal error"));
        });
        return router;
    }

    private static void requireApiVersion(RoutingContext ctx) {
        String v = ctx.request().getParam("api-version");
        if (v == null || v.isBlank()) {
            fail(ctx, 400, "the api-version query parameter is required");
        } else if (!API_VERSION.matcher(v).matches() || v.compareTo(MIN_API_VERSION) < 0) {
            fail(ctx, 400, "api-version '" + v + "' is not supported (" + MIN_API_VERSION + " or later)");
        } else {
            ctx.next();
        }
    }

    private static void fail(RoutingContext ctx, int status, String text) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Json.write(message(text)));
    }

    // Handlers run on a worker thread: ModuleKeys may read a store, and RSA key generation takes ~100 ms.
    private void respond(RoutingContext ctx, String boundModule, Callable<Reply> handler) {
        vertx.executeBlocking(() -> {
            try {
                return handler.call();
            } catch (Refused r) {
                return new Reply(r.status, message(r.getMessage()));
            } catch (BrinkException e) {
                return new Reply(400, message(e.getMessage()));
            }
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(ctx, boundModule, ar.result().status(), ar.result().body());
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    private void send(RoutingContext ctx, String boundModule, int status, ObjectNode body) {
        LOG.debug("workload {} {} (socket of {}) -> {}", ctx.request().method(), ctx.request().path(),
                boundModule == null ? "dev-tcp" : boundModule, status);
        // Observed before the reply leaves, so whoever got the reply also sees the record.
        observer.accept(new Handled(boundModule, ctx.request().method().name(), ctx.request().path(), status));
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Json.write(body));
        }
    }

    private Reply sign(RoutingContext ctx, String boundModule) throws GeneralSecurityException {
        ModuleKey key = authorize(ctx, boundModule);
        ObjectNode body = Json.parseObject(bodyText(ctx));
        requireIfPresent(body, "keyId", "primary");
        requireIfPresent(body, "algo", "HMACSHA256");
        JsonNode data = body.get("data");
        if (data == null || !data.isTextual()) {
            throw new Refused(400, "'data' (base64) is required");
        }
        byte[] bytes = decodeBase64(data.asText(), "'data' is not base64");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key.primaryKey()), "HmacSHA256"));
        return new Reply(200, Json.object().put("digest", Base64.getEncoder().encodeToString(mac.doFinal(bytes))));
    }

    private Reply serverCertificate(RoutingContext ctx, String boundModule) {
        ModuleKey key = authorize(ctx, boundModule);
        ObjectNode body = Json.parseObject(bodyText(ctx));
        JsonNode cn = body.get("commonName");
        if (cn == null || !cn.isTextual() || !isHostOrIp(cn.asText())) {
            throw new Refused(400, "'commonName' must be a host name or an IP address");
        }
        Duration validity = validity(body.get("expiration"));
        List<String> dns = new ArrayList<>();
        // Like edgelet: the module id is a SAN too ('$edgeHub' -> 'edgeHub'), when it is a valid DNS label.
        String moduleName = key.moduleId().startsWith("$") ? key.moduleId().substring(1) : key.moduleId();
        if (DNS_LABEL.matcher(moduleName).matches()) {
            dns.add(moduleName);
        }
        IssuedCert cert = ca.issueServerCertificate(cn.asText(), dns, List.of(), validity);
        ObjectNode reply = Json.object();
        reply.putObject("privateKey").put("type", "key").put("bytes", cert.privateKeyPem());
        reply.put("certificate", cert.certificateChainPem()).put("expiration", cert.expiration().toString());
        return new Reply(201, reply);
    }

    /** The module's identity, after checking the caller may act for it and the generation id matches. */
    private ModuleKey authorize(RoutingContext ctx, String boundModule) {
        String module = ctx.pathParam("module");
        if (boundModule != null && !boundModule.equals(module)) {
            throw new Refused(403, "forbidden: the workload socket of module '" + boundModule
                    + "' cannot act for module '" + module + "'");
        }
        ModuleKey key = keys.find(module).orElseThrow(() -> new Refused(404, "module '" + module + "' not found"));
        if (!key.generationId().equals(ctx.pathParam("genid"))) {
            throw new Refused(400, "generation id '" + ctx.pathParam("genid") + "' is not the current generation"
                    + " of module '" + module + "'");
        }
        return key;
    }

    private Duration validity(JsonNode expiration) {
        if (expiration == null || expiration.isNull()) {
            return DEFAULT_SERVER_CERT_VALIDITY;
        }
        try {
            Instant until = OffsetDateTime.parse(expiration.asText()).toInstant();
            Duration d = Duration.between(clock.instant(), until);
            if (d.isNegative() || d.isZero()) {
                throw new Refused(400, "'expiration' " + expiration.asText() + " is in the past");
            }
            // Honoured only when shorter than the default: modules cannot ask for long-lived certificates.
            return d.compareTo(DEFAULT_SERVER_CERT_VALIDITY) < 0 ? d : DEFAULT_SERVER_CERT_VALIDITY;
        } catch (DateTimeParseException e) {
            throw new Refused(400, "'expiration' must be an RFC 3339 date-time");
        }
    }

    static boolean isHostOrIp(String s) {
        if (SubjectAltNames.isIpAddress(s)) {
            return true;
        }
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false; // also refuses wildcards: no module gets a certificate for '*.anything'
            }
        }
        return true;
    }

    private static void requireIfPresent(ObjectNode body, String field, String expected) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !expected.equals(v.asText())) {
            throw new Refused(400, "'" + field + "' must be '" + expected + "'");
        }
    }

    private static String bodyText(RoutingContext ctx) {
        return ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
    }

    private static byte[] decodeBase64(String text, String error) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, error);
        }
    }

    private static ObjectNode message(String text) {
        return Json.object().put("message", text);
    }
}
