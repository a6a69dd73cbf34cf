package dev.brink.edge.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP/1.1 server on a unix domain socket that only its owner can use (socket file 0600), the transport of
 * the edge's local APIs (management and workload). It uses Vert.x 5's NIO transport, which binds JDK 16+ unix
 * socket addresses: no native transport.
 * <p>
 * The socket is bound inside a fresh 0700 directory next to its final path, made 0600, then renamed into place:
 * a socket bound directly at its final path would be reachable with the umask's permissions until the chmod.
 * A stale socket file (after a crash) is replaced. The methods block, so they must not run on an event loop.
 */
public final class UnixHttpServer implements AutoCloseable {
    /** sun_path is 108 bytes on Linux, including the terminating NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final long TIMEOUT_SECONDS = 30;

    private final HttpServer server;
    private final Path socket;

    private UnixHttpServer(HttpServer server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /**
     * Listens on {@code socket} (parent directories are created). The {@code Host} header is set to
     * {@code localhost} before {@code handler} sees a request: it means nothing on a unix socket, and some
     * clients send the socket path there, which vertx-web rejects as an authority.
     */
    public static UnixHttpServer listen(Vertx vertx, Path socket, Handler<HttpServerRequest> handler) {
        Path target = socket.toAbsolutePath().normalize();
        requireShortEnough(target);
        Path dir = target.getParent();
        Path staging = null;
        HttpServer server = null;
        try {
            Files.createDirectories(dir);
            staging = createStagingDirectory(dir);
            Path bound = staging.resolve("s");
            requireShortEnough(bound);
            server = await(vertx.createHttpServer().requestHandler(req -> {
                req.headers().set(HttpHeaders.HOST, "localhost");
                handler.handle(req);
            }).listen(SocketAddress.domainSocketAddress(bound.toString())), "listen on " + target);
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new UnixHttpServer(server, target);
        } catch (IOException e) {
            if (server != null) {
                closeQuietly(server);
            }
            throw new UncheckedIOException("cannot listen on the unix socket " + target + ": " + message(e), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    public Path socket() {
        return socket;
    }

    /** Stops listening (open connections are closed) and deletes the socket file. */
    @Override
    public void close() {
        try {
            await(server.close(), "close " + socket);
        } finally {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // nothing listens there any more; a stale file is replaced by the next listen()
            }
        }
    }

    /** Waits for a Vert.x future from a non-event-loop thread, with a bound. */
    public static <T> T await(Future<T> future, String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("cannot " + what + " on an event loop: the call blocks");
        }
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out trying to " + what, e);
        }
    }

    private static void requireShortEnough(Path socket) {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("unix socket path " + socket + " is longer than "
                    + MAX_SOCKET_PATH_BYTES + " bytes, the unix socket limit; choose a shorter path");
        }
    }

    /**
     * A fresh 0700 {@code dir/.sXXXX}. The name is kept short (unlike {@code Files.createTempDirectory}'s up to
     * 20 random digits) so the staged socket path is no longer than usual final ones such as
     * {@code workload.sock}: otherwise sun_path's limit would be reached by the staging path first.
     */
    private static Path createStagingDirectory(Path dir) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
            Path candidate = dir.resolve(".s" + suffix);
            try {
                return Files.createDirectory(candidate,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private static String message(IOException e) {
        return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.toString();
    }

    private static void closeQuietly(HttpServer server) {
        try {
            await(server.close(), "close");
        } catch (RuntimeException ignored) {
            // reporting the original failure
        }
    }

    private static void deleteQuietly(Path staging) {
        if (staging == null) {
            return;
        }
        try {
            Files.deleteIfExists(staging.resolve("s"));
            Files.deleteIfExists(staging);
        } catch (IOException ignored) {
            // an empty hidden directory left behind is harmless
        }
    }
}
