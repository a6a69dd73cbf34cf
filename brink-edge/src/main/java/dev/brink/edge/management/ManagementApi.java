package dev.brink.edge.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brink.core.deployment.DeploymentStatus;
import dev.brink.core.json.Json;
import dev.brink.edge.agent.EdgeAgent;
import dev.brink.edge.agent.EdgeAgent.ModuleSnapshot;
import dev.brink.edge.http.UnixHttpServer;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.ModuleRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge runtime's management API, used by {@code brink edge list|logs|restart|check}: HTTP/JSON on a local
 * unix socket that only the runtime's user can open (0600; see {@link UnixHttpServer}). Whoever can open it
 * operates the edge, so there is no further authentication.
 * <ul>
 *   <li>{@code GET /modules}: every module of the deployment with its runtime status</li>
 *   <li>{@code GET /modules/{m}/logs?tail=n&follow=true}: text, one log line per line; with {@code follow}
 *       the response stays open and new lines are streamed (chunked) until the client goes away</li>
 *   <li>{@code POST /modules/{m}/restart}: restarts the module now (like the {@code RestartModule} method)</li>
 *   <li>{@code GET /check}: {@link EdgeChecks} as seen by the running runtime, plus its own state</li>
 * </ul>
 * Errors are {@code {"message": ...}} with 400 (bad parameter), 404 (no such module) or 500.
 */
public final class ManagementApi implements AutoCloseable {
    static final long FOLLOW_INTERVAL_MS = 250;
    private static final long RESTART_TIMEOUT_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);

    private final Vertx vertx;
    private final EdgeAgent agent;
    private final ModuleRuntime runtime;
    private final EdgeChecks checks;
    private final Instant startedAt;
    private final UnixHttpServer server;

    public ManagementApi(Vertx vertx, Path socket, EdgeAgent agent, ModuleRuntime runtime, EdgeChecks checks,
                         Clock clock) {
        this.vertx = vertx;
        this.agent = agent;
        this.runtime = runtime;
        this.checks = checks;
        this.startedAt = clock.instant();
        this.server = UnixHttpServer.listen(vertx, socket, router());
        LOG.info("Management API on {}", server.socket());
    }

    public Path socket() {
        return server.socket();
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.get("/modules").handler(ctx -> reply(ctx, this::modules));
        router.get("/modules/:module/logs").handler(this::logs);
        router.post("/modules/:module/restart").handler(this::restart);
        router.get("/check").handler(ctx -> reply(ctx, () -> CheckResult.report(allChecks())));
        return router;
    }

    // ---- GET /modules

    private ArrayNode modules() {
        ArrayNode list = Json.MAPPER.createArrayNode();
        agent.modules().forEach(m -> list.add(view(m)));
        return list;
    }

    private ObjectNode view(ModuleSnapshot m) {
        Optional<InstanceStatus> status = runtime.status(m.name());
        ObjectNode node = Json.object().put("name", m.name()).put("runtimeStatus", m.runtimeStatus())
                .put("state", m.state()).put("version", m.version()).put("image", m.image())
                .put("restartCount", m.restartCount()).put("statusDescription", m.description());
        putNullable(node, "exitCode", m.exitCode());
        node.put("lastStartTimeUtc", m.lastStartTime() == null ? null : m.lastStartTime().toString());
        Instant exited = status.map(InstanceStatus::exitedAt).orElse(null);
        node.put("lastExitTimeUtc", exited == null ? null : exited.toString());
        return node;
    }

    // ---- GET /modules/{m}/logs

    private void logs(RoutingContext ctx) {
        String module = ctx.pathParam("module");
        int tail;
        try {
            tail = Integer.parseInt(Optional.ofNullable(ctx.queryParams().get("tail")).orElse("0"));
            if (tail < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            error(ctx, 400, "tail must be a number >= 0 (0 = every line kept)");
            return;
        }
        if (!agent.moduleNames().contains(module)) {
            error(ctx, 404, notFound(module));
            return;
        }
        boolean follow = "true".equalsIgnoreCase(ctx.queryParams().get("follow"));
        HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        int window = follow ? Math.max(tail, LogFollower.WINDOW) : tail;
        blocking(() -> agent.logs(module, tail == 0 ? 0 : window)).onFailure(e -> error(ctx, 500, e.getMessage()))
                .onSuccess(lines -> {
                    List<String> first = tail == 0 || lines.size() <= tail ? lines
                            : lines.subList(lines.size() - tail, lines.size());
                    if (!follow) {
                        response.end(text(first));
                        return;
                    }
                    response.setChunked(true).write(text(first));
                    follow(module, response, new LogFollower(lines.size() > LogFollower.WINDOW
                            ? lines.subList(lines.size() - LogFollower.WINDOW, lines.size()) : lines));
                });
    }

    /** Reads the log window every {@link #FOLLOW_INTERVAL_MS} and writes what is new, until the client leaves. */
    private void follow(String module, HttpServerResponse response, LogFollower follower) {
        AtomicBoolean busy = new AtomicBoolean();
        long timer = vertx.setPeriodic(FOLLOW_INTERVAL_MS, id -> {
            if (response.closed() || !busy.compareAndSet(false, true)) {
                return;
            }
            blocking(() -> agent.logs(module, LogFollower.WINDOW)).onComplete(ar -> {
                busy.set(false);
                if (response.closed()) {
                    return;
                }
                if (ar.failed() || !agent.moduleNames().contains(module)) {
                    response.end(); // the module is gone: nothing more will come
                    return;
                }
                List<String> fresh = follower.next(ar.result());
                if (!fresh.isEmpty()) {
                    response.write(text(fresh));
                }
            });
        });
        response.closeHandler(v -> vertx.cancelTimer(timer));
        response.endHandler(v -> vertx.cancelTimer(timer));
    }

    // ---- POST /modules/{m}/restart

    private void restart(RoutingContext ctx) {
        String module = ctx.pathParam("module");
        if (!agent.moduleNames().contains(module)) {
            error(ctx, 404, notFound(module));
            return;
        }
        Future.fromCompletionStage(agent.restartModule(module).orTimeout(RESTART_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .compose(v -> blocking(() -> agent.modules().stream().filter(m -> m.name().equals(module))
                        .findFirst().map(this::view).orElseGet(() -> Json.object().put("name", module))))
                .onSuccess(view -> json(ctx, 200, view))
                .onFailure(e -> error(ctx, e instanceof IllegalArgumentException ? 404 : 500,
                        e instanceof java.util.concurrent.TimeoutException
                                ? "the restart of " + module + " did not finish within " + RESTART_TIMEOUT_SECONDS + " s"
                                : e.getMessage()));
    }

    // ---- GET /check

    private List<CheckResult> allChecks() {
        List<CheckResult> results = new ArrayList<>();
        results.add(runtimeState());
        results.addAll(checks.run());
        return results;
    }

    private CheckResult runtimeState() {
        List<ModuleSnapshot> modules = agent.modules();
        List<String> notRunning = modules.stream().filter(m -> !m.runtimeStatus().equals("running")
                && !m.runtimeStatus().equals("stopped")).map(m -> m.name() + " " + m.runtimeStatus()).toList();
        DeploymentStatus deployment = agent.status();
        String detail = "up since " + startedAt + "; " + modules.size() + " module(s), "
                + modules.stream().filter(m -> m.runtimeStatus().equals("running")).count() + " running; deployment "
                + deployment.code() + (deployment.description() == null ? "" : " " + deployment.description());
        String title = "edge runtime running";
        if (!notRunning.isEmpty()) {
            return CheckResult.warn("edge-runtime", title, detail + "; not running: " + String.join(", ", notRunning));
        }
        return deployment.code() >= 400 && deployment.code() != DeploymentStatus.UNKNOWN
                ? CheckResult.warn("edge-runtime", title, detail) : CheckResult.ok("edge-runtime", title, detail);
    }

    // ---- plumbing

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false); // unordered: a slow engine call must not hold up other requests
    }

    private void reply(RoutingContext ctx, Callable<JsonNode> work) {
        blocking(work).onSuccess(body -> json(ctx, 200, body)).onFailure(e -> error(ctx, 500, e.getMessage()));
    }

    private static void json(RoutingContext ctx, int status, JsonNode body) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Json.write(body));
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, Json.object().put("message", message == null ? "internal error" : message));
    }

    private static String notFound(String module) {
        return "module " + module + " is not in the current deployment";
    }

    private static String text(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private static void putNullable(ObjectNode node, String key, Integer value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
