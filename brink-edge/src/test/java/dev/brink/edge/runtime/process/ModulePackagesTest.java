package dev.brink.edge.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.ModuleSpec;
import dev.brink.edge.runtime.ModuleSpec.RegistryCredential;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package references, the digest cache, downloads over http from a loopback server, archive safety. */
class ModulePackagesTest {
    @TempDir
    Path tmp;
    Path tarGz;
    String digest;
    ProcessModuleRuntime runtime;
    HttpServer server;
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        tarGz = TestPackages.shellTarGz(tmp.resolve("scripts.tar.gz"), null);
        digest = TestPackages.sha256(tarGz);
        runtime = new ProcessModuleRuntime(tmp.resolve("rt"), Clock.systemUTC(), ProcessRuntimeOptions.defaults()
                .withPackageLimits(1 << 20, 1 << 20).withGraces(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = served.get(path);
            int status = body == null ? 404 : 200;
            if (path.startsWith("/private/") && !("Basic " + base64("user:secret")).equals(auth)) {
                status = 401;
            }
            exchange.sendResponseHeaders(status, status == 200 ? body.length : -1);
            if (status == 200) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        server.stop(0);
        ProcessModuleRuntimeTest.assertNoChildProcesses();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static ModuleSpec spec(String name, String image, Map<String, String> env) {
        return new ModuleSpec(name, image, null, env, null, null, null, "1");
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    long cachedPackages() throws Exception {
        Path dir = tmp.resolve("rt/packages/sha256");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    InstanceStatus runToExit(ModuleSpec spec) {
        runtime.start(spec);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> runtime.status(spec.name()).map(s -> s.exitedAt() != null).orElse(false));
        return runtime.status(spec.name()).orElseThrow();
    }

    @Test
    void verifiesAPinnedDigestAndRefusesAMismatch() throws Exception {
        runtime.prepare(spec("m", tarGz + "@sha256:" + digest.toUpperCase(), Map.of()));
        assertThat(tmp.resolve("rt/packages/sha256/" + digest + "/root/brink-module.json")).exists();

        String wrong = "0".repeat(64);
        Path other = TestPackages.shellTarGz(tmp.resolve("other.tar.gz"), "top");
        String otherDigest = TestPackages.sha256(other);
        assertThatThrownBy(() -> runtime.prepare(spec("m", other + "@sha256:" + wrong, Map.of())))
                .isInstanceOfSatisfying(BrinkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PreconditionFailed);
                    assertThat(e.getMessage()).contains("sha256:" + wrong).contains("sha256:" + otherDigest);
                });
        assertThat(cachedPackages()).isEqualTo(1);
        assertThatThrownBy(() -> runtime.prepare(spec("m", tarGz + "@sha256:abc", Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("64 hex");
    }

    @Test
    void runsPackagesFromFileUrlsAndHttpUrlsAndCachesDownloads() throws Exception {
        InstanceStatus fromFileUrl = runToExit(spec("f", tarGz.toUri() + "@sha256:" + digest,
                Map.of("MODE", "exit", "CODE", "4")));
        assertThat(fromFileUrl.exitCode()).isEqualTo(4);
        assertThat(fromFileUrl.imageId()).isEqualTo("sha256:" + digest);

        Path other = TestPackages.shellTarGz(tmp.resolve("other.tar.gz"), "top"); // lone top directory is lifted
        served.put("/pkgs/other.tar.gz", Files.readAllBytes(other));
        String unpinned = url("/pkgs/other.tar.gz");
        InstanceStatus fromHttp = runToExit(spec("h", unpinned, Map.of("MODE", "exit", "CODE", "5")));
        assertThat(fromHttp.exitCode()).isEqualTo(5);
        assertThat(fromHttp.imageId()).isEqualTo("sha256:" + TestPackages.sha256(other));
        assertThat(requests.get()).isEqualTo(1);

        runtime.prepare(spec("h", unpinned, Map.of())); // cache hit by URL: no second download
        runtime.prepare(spec("h2", unpinned + "@sha256:" + TestPackages.sha256(other), Map.of())); // by digest
        runtime.start(spec("h", unpinned, Map.of("MODE", "exit", "CODE", "0")));
        assertThat(requests.get()).isEqualTo(1);
        assertThat(cachedPackages()).isEqualTo(2);

        // a pin already in the cache needs no download at all, whatever the URL; a pin that is not is verified
        // after the download, and a mismatch is refused and not cached
        runtime.prepare(spec("y", url("/pkgs/nothing-here") + "@sha256:" + digest, Map.of()));
        assertThat(requests.get()).isEqualTo(1);
        served.put("/pkgs/module.jar", Files.readAllBytes(TestPackages.runnableJar(tmp.resolve("module.jar"))));
        String wrong = "1".repeat(64);
        assertThatThrownBy(() -> runtime.prepare(spec("x", url("/pkgs/module.jar") + "@sha256:" + wrong, Map.of())))
                .isInstanceOfSatisfying(BrinkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PreconditionFailed);
                    assertThat(e.getMessage()).contains("pins sha256:" + wrong);
                });
        assertThat(requests.get()).isEqualTo(2);
        assertThat(cachedPackages()).isEqualTo(2);
    }

    @Test
    void reportsDownloadErrorsAndHonoursPullPolicyAndCredentials() throws Exception {
        assertThatThrownBy(() -> runtime.prepare(spec("m", url("/missing.tar.gz"), Map.of())))
                .isInstanceOfSatisfying(BrinkException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.NotFound);
                    assertThat(e.getMessage()).contains("HTTP 404");
                });
        served.put("/pkgs/p.tar.gz", Files.readAllBytes(tarGz));
        ModuleSpec never = new ModuleSpec("m", url("/pkgs/p.tar.gz"), null, Map.of(), "never", null, null, "1");
        assertThatThrownBy(() -> runtime.prepare(never)).isInstanceOfSatisfying(BrinkException.class,
                e -> assertThat(e.getMessage()).contains("imagePullPolicy"));
        int before = requests.get();

        served.put("/private/p.tar.gz", Files.readAllBytes(tarGz));
        assertThatThrownBy(() -> runtime.prepare(spec("m", url("/private/p.tar.gz"), Map.of())))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.Unauthorized));
        RegistryCredential login = new RegistryCredential("127.0.0.1:" + server.getAddress().getPort(), "user",
                "secret");
        runtime.prepare(new ModuleSpec("m", url("/private/p.tar.gz"), null, Map.of(), null, login, null, "1"));
        assertThat(requests.get()).isEqualTo(before + 2);

        assertThatThrownBy(() -> runtime.prepare(spec("m", tmp.resolve("nope.jar").toString(), Map.of())))
                .isInstanceOfSatisfying(BrinkException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NotFound));
        assertThatThrownBy(() -> runtime.prepare(spec("m", "mcr.microsoft.com/azureiotedge-simulated:1.4", Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("not container images");
    }

    @Test
    void refusesOversizedUnsafeAndUnknownPackages() throws Exception {
        Path big = tmp.resolve("big.bin");
        Files.write(big, new byte[(1 << 20) + 1]);
        assertThatThrownBy(() -> runtime.prepare(spec("m", big.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("larger than the limit");
        Path garbage = Files.writeString(tmp.resolve("garbage.bin"), "not a package");
        assertThatThrownBy(() -> runtime.prepare(spec("m", garbage.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("neither a runnable jar");
        for (String evil : List.of("../evil.txt", "a/../../evil.txt")) {
            Path pkg = TestPackages.tarGzWithEntry(tmp.resolve("evil.tar.gz"), evil);
            assertThatThrownBy(() -> runtime.prepare(spec("m", pkg.toString(), Map.of())))
                    .isInstanceOf(BrinkException.class).hasMessageContaining("outside the package");
        }
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
        assertThat(tmp.resolve("rt/packages/evil.txt")).doesNotExist();
        assertThat(cachedPackages()).isZero();
        assertThat(tmp.resolve("rt/packages/tmp")).isEmptyDirectory();
    }

    @Test
    void refusesBadManifestsAndReportsAnEntrypointThatCannotStart() throws Exception {
        Path typo = TestPackages.tarGz(tmp.resolve("typo.tar.gz"), "{\"entryPoint\": [\"sh\"]}", Map.of());
        assertThatThrownBy(() -> runtime.prepare(spec("m", typo.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("unknown key 'entryPoint'");
        Path missing = TestPackages.tarGz(tmp.resolve("missing.tar.gz"), "{\"entrypoint\": [\"bin/nope.sh\"]}",
                Map.of("bin/other.sh", "#!/bin/sh\n"));
        assertThatThrownBy(() -> runtime.prepare(spec("m", missing.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("'bin/nope.sh' is not a file in the package");
        Path none = TestPackages.tarGz(tmp.resolve("none.tar.gz"), "[]", Map.of());
        assertThatThrownBy(() -> runtime.prepare(spec("m", none.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("must be a JSON object");

        Path unknown = TestPackages.tarGz(tmp.resolve("unknown.tar.gz"),
                "{\"entrypoint\": [\"no-such-command-brink-test\"], \"x-build\": 1}", Map.of());
        assertThatThrownBy(() -> runtime.start(spec("m", unknown.toString(), Map.of())))
                .isInstanceOf(BrinkException.class).hasMessageContaining("failed to start");
        InstanceStatus failed = runtime.status("m").orElseThrow();
        assertThat(failed.state()).isEqualTo(InstanceStatus.State.FAILED);
        assertThat(failed.description()).startsWith("failed to start");
        assertThat(cachedPackages()).isEqualTo(1);
    }

    @Test
    void runsAZipPackageAndMakesItsEntrypointExecutable() throws Exception {
        Path zip = TestPackages.shellZip(tmp.resolve("scripts.zip"));
        InstanceStatus exited = runToExit(spec("z", zip.toString(), Map.of("MODE", "exit", "CODE", "0")));
        assertThat(exited.exitCode()).isZero();
        assertThat(runtime.logs("z", 0)).containsExactly("exiting with 0");
        Path root = tmp.resolve("rt/packages/sha256/" + TestPackages.sha256(zip) + "/root");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("bin/run.sh"))))
                .isEqualTo("r-xr-xr-x"); // shared by all instances: read-only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("share/data.txt"))))
                .isEqualTo("r--r--r--");
    }
}
