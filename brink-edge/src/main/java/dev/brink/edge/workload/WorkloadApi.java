package dev.brink.edge.workload;

import static dev.brink.edge.http.UnixHttpServer.await;

import dev.brink.core.id.Ids;
import dev.brink.edge.http.UnixHttpServer;
import dev.brink.infra.files.SecureFiles;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge workload API (reference §5.2): HTTP/1.1 over one unix domain socket per module,
 * {@code socketDir/<module>/workload.sock} (directory 0700, socket 0600), where a request may act only for
 * the module the socket belongs to; plus an optional loopback TCP listener for development, which trusts the
 * module named in the path and must never be exposed (see README).
 * <p>
 * Unix sockets come from Vert.x 5's NIO transport, which binds JDK 16+ {@code UnixDomainSocketAddress}es — no
 * native transport is needed. The methods block until the listener is bound or closed, so they must not be
 * called on a Vert.x event loop.
 */
public final class WorkloadApi implements AutoCloseable {
    public static final String SOCKET_FILE = "workload.sock";
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadApi.class);

    private final Vertx vertx;
    private final Path socketDir;
    private final WorkloadRoutes routes;
    private final Map<String, UnixHttpServer> moduleServers = new ConcurrentHashMap<>();
    private final HttpServer devServer;
    private final HttpServer devServer6;
    private volatile Consumer<WorkloadRoutes.Handled> observer = h -> { };

    /**
     * @param socketDir        parent of the per-module socket directories; created 0700
     * @param devTcpPortOrNull a loopback TCP port for development (0 = any free port), or null for none
     */
    public WorkloadApi(Vertx vertx, Path socketDir, EdgeCa ca, ModuleKeys keys, Integer devTcpPortOrNull) {
        this(vertx, socketDir, ca, keys, devTcpPortOrNull, Clock.systemUTC());
    }

    WorkloadApi(Vertx vertx, Path socketDir, EdgeCa ca, ModuleKeys keys, Integer devTcpPortOrNull, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.socketDir = socketDir.toAbsolutePath();
        this.routes = new WorkloadRoutes(vertx, Objects.requireNonNull(ca, "ca"), Objects.requireNonNull(keys, "keys"),
                clock, h -> observer.accept(h));
        SecureFiles.ownerOnlyDirectory(this.socketDir);
        if (devTcpPortOrNull == null) {
            devServer = null;
            devServer6 = null;
        } else {
            Router router = routes.router(null);
            devServer = await(vertx.createHttpServer().requestHandler(router)
                    .listen(devTcpPortOrNull, "127.0.0.1"), "listen on 127.0.0.1:" + devTcpPortOrNull);
            devServer6 = listenIpv6Loopback(router, devServer.actualPort());
            LOG.warn("Workload API development listener on {}: it trusts the module named in each request,"
                    + " use it for development only", devTcpUri());
        }
    }

    /**
     * Creates {@code socketDir/<module>/workload.sock} and serves the workload API on it for that module only.
     * Idempotent: a socket already open is returned as is. A stale socket file (after a crash) is replaced.
     *
     * @return the socket path, for {@code IOTEDGE_WORKLOADURI=unix://<path>} or a container bind mount
     */
    public Path openModuleSocket(String moduleName) {
        Path socket = socketPath(moduleName);
        synchronized (moduleServers) {
            if (moduleServers.containsKey(moduleName)) {
                return socket;
            }
            SecureFiles.ownerOnlyDirectory(socket.getParent());
            // UnixHttpServer replaces a stale socket file, makes the socket 0600 before it appears at its path and
            // sets Host to localhost (the Java SDK sends the socket path there, which vertx-web rejects).
            UnixHttpServer server = UnixHttpServer.listen(vertx, socket, routes.router(moduleName));
            moduleServers.put(moduleName, server);
        }
        LOG.info("Workload API for module {} on {}", moduleName, socket);
        return socket;
    }

    /** Stops serving the module and deletes its socket file and directory; no-op when it is not open. */
    public void closeModuleSocket(String moduleName) {
        stop(moduleName, true);
    }

    private void stop(String moduleName, boolean removeDirectory) {
        UnixHttpServer server;
        synchronized (moduleServers) {
            server = moduleServers.remove(moduleName);
        }
        if (server == null) {
            return;
        }
        server.close(); // also deletes the socket file
        if (removeDirectory) {
            Path dir = socketPath(moduleName).getParent();
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.warn("Cannot remove {}: {}", dir, e.toString());
            }
        }
    }

    /**
     * {@code http://localhost:<port>/} of the development listener, or null when it is disabled. The host is
     * {@code localhost} because the official Java SDK refuses any other host for an {@code http} workload URI;
     * the listener binds 127.0.0.1 and, when available, [::1] on the same port.
     */
    public URI devTcpUri() {
        return devServer == null ? null : URI.create("http://localhost:" + devServer.actualPort() + "/");
    }

    // Best effort: clients that resolve localhost to ::1 first (Node 17+) then reach the same listener.
    private HttpServer listenIpv6Loopback(Router router, int port) {
        try {
            return await(vertx.createHttpServer().requestHandler(router).listen(port, "::1"), "listen on [::1]:" + port);
        } catch (IllegalStateException e) {
            LOG.debug("Workload development listener not on [::1]:{}: {}", port, e.getMessage());
            return null;
        }
    }

    /** The socket path a module gets (whether open or not). */
    public Path socketPath(String moduleName) {
        if (moduleName == null || !Ids.isValidId(moduleName) || moduleName.equals(".") || moduleName.equals("..")) {
            throw new IllegalArgumentException("'" + moduleName + "' is not a valid module name");
        }
        Path socket = socketDir.resolve(moduleName).resolve(SOCKET_FILE);
        int max = UnixHttpServer.MAX_SOCKET_PATH_BYTES;
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > max) {
            throw new IllegalArgumentException("workload socket path " + socket + " is longer than "
                    + max + " bytes, the unix socket limit; use a shorter socket directory");
        }
        return socket;
    }

    /**
     * Stops every listener. The per-module directories stay: containers that outlive the runtime have them
     * bind-mounted and see the socket the next runtime re-creates there.
     */
    @Override
    public void close() {
        List<String> modules;
        synchronized (moduleServers) {
            modules = new ArrayList<>(moduleServers.keySet());
        }
        modules.forEach(m -> stop(m, false));
        if (devServer6 != null) {
            await(devServer6.close(), "close the workload development listener on [::1]");
        }
        if (devServer != null) {
            await(devServer.close(), "close the workload development listener");
        }
    }

    /** Test hook: sees every answered request (module, method, path, status). */
    void observe(Consumer<WorkloadRoutes.Handled> observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }
}
