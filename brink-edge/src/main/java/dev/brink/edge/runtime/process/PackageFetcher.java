package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.ModuleSpec.RegistryCredential;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Copies a package (local file or http(s) download) into a temporary file, hashing it on the way and
 * enforcing the size cap. A download is bounded in time as a whole: a watchdog closes the body stream at the
 * deadline, because {@link HttpRequest#timeout} only covers the response headers.
 */
final class PackageFetcher {
    record Fetched(Path file, String digest, long size) {
    }

    private final ProcessRuntimeOptions options;
    private volatile HttpClient http;

    PackageFetcher(ProcessRuntimeOptions options) {
        this.options = options;
    }

    Fetched fetch(PackageRef ref, RegistryCredential credential, Path tmpDir) {
        return ref.remote() ? download(ref.url(), credential, tmpDir) : copyLocal(ref.path(), tmpDir);
    }

    private Fetched copyLocal(Path path, Path tmpDir) {
        try (InputStream in = Files.newInputStream(path)) {
            return copyHashing(in, tmpDir, path.toString());
        } catch (NoSuchFileException e) {
            throw new BrinkException(ErrorCode.NotFound, "package " + path + " does not exist (the process runtime "
                    + "runs module packages by path or URL, not container images)");
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServerError, "cannot read package " + path + ": " + e.getMessage(), e);
        }
    }

    private Fetched download(URI url, RegistryCredential credential, Path tmpDir) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(options.downloadTimeout()).GET();
        if (credential != null && credentialApplies(credential, url)) {
            String basic = credential.username() + ":" + credential.password();
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<InputStream> response = client().send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                requireOk(url, response);
                CompletableFuture.delayedExecutor(options.downloadTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> closeQuietly(body));
                return copyHashing(body, tmpDir, url.toString());
            }
        } catch (IOException e) {
            throw new BrinkException(ErrorCode.ServiceUnavailable, "download of " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrinkException(ErrorCode.ServiceUnavailable, "download of " + url + " was interrupted", e);
        }
    }

    private void requireOk(URI url, HttpResponse<?> response) {
        int status = response.statusCode();
        if (status == 200) {
            long length = response.headers().firstValueAsLong("content-length").orElse(-1);
            if (length > options.maxPackageBytes()) {
                throw BrinkException.invalid("package " + url + " is " + length + " bytes, more than the limit of "
                        + options.maxPackageBytes());
            }
            return;
        }
        ErrorCode code = status == 404 ? ErrorCode.NotFound
                : status == 401 || status == 403 ? ErrorCode.Unauthorized : ErrorCode.ServiceUnavailable;
        throw new BrinkException(code, "download of " + url + " failed: HTTP " + status);
    }

    private Fetched copyHashing(InputStream in, Path tmpDir, String source) throws IOException {
        MessageDigest sha256 = sha256();
        Files.createDirectories(tmpDir);
        Path file = Files.createTempFile(tmpDir, "download-", ".part");
        long size = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                size += n;
                if (size > options.maxPackageBytes()) {
                    throw BrinkException.invalid("package " + source + " is larger than the limit of "
                            + options.maxPackageBytes() + " bytes");
                }
                sha256.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new Fetched(file, HexFormat.of().formatHex(sha256.digest()), size);
    }

    /** registryCredentials apply to the server they name: {@code host} or {@code host:port}. */
    static boolean credentialApplies(RegistryCredential credential, URI url) {
        if (credential.address() == null) {
            return false;
        }
        String address = credential.address().toLowerCase(Locale.ROOT).replaceFirst("^https?://", "")
                .replaceFirst("/.*$", "");
        String host = url.getHost().toLowerCase(Locale.ROOT);
        return address.equals(host) || (url.getPort() > 0 && address.equals(host + ":" + url.getPort()));
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                }
                c = http;
            }
        }
        return c;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the download already ended or failed; nothing to release
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
