package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brink.edge.runtime.InstanceStatus;
import dev.brink.edge.runtime.ModuleSpec;
import dev.brink.edge.runtime.process.ProcessModuleRuntime;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brink module package}: the printed digest is the file's, the same input gives the same digest, and the
 * edge runtime's own process runtime accepts the package, runs it and reports that digest as its image id.
 */
@Timeout(60)
class ModulePackageTest {
    private static final Pattern DIGEST = Pattern.compile("Digest:  sha256:([0-9a-f]{64})");

    @TempDir
    Path dir;

    @Test
    void directoryPackageRunsOnTheEdgeWithThePrintedDigest() throws Exception {
        Path src = shellModule(dir.resolve("hello"), "{\"entrypoint\": [\"bin/run.sh\"], \"description\": \"hi\"}");
        Cli.Result r = Cli.run("module", "package", src.toString(), "-o", dir.resolve("out/hello.tar.gz").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path pkg = dir.resolve("out/hello.tar.gz");
        String digest = digestOf(r);
        assertThat(digest).isEqualTo(sha256(pkg));
        assertThat(r.out()).contains("Image:   " + pkg.toAbsolutePath() + "@sha256:" + digest);

        // Reproducible: a second run (later mtimes) gives the same bytes.
        Files.setLastModifiedTime(src.resolve("bin/run.sh"), java.nio.file.attribute.FileTime.fromMillis(1000));
        Cli.Result again = Cli.run("module", "package", src.toString(), "-o", dir.resolve("again.tar.gz").toString());
        assertThat(digestOf(again)).isEqualTo(digest);

        try (ProcessModuleRuntime runtime = new ProcessModuleRuntime(dir.resolve("edge"), Clock.systemUTC())) {
            ModuleSpec spec = new ModuleSpec("hello", pkg + "@sha256:" + digest, null, Map.of(), null, null, null, "1");
            runtime.start(spec);
            await().atMost(Duration.ofSeconds(20)).until(() -> runtime.logs("hello", 10).contains("hello from package"));
            InstanceStatus status = runtime.status("hello").orElseThrow();
            assertThat(status.state()).isEqualTo(InstanceStatus.State.RUNNING);
            assertThat(status.imageId()).isEqualTo("sha256:" + digest);
            runtime.stop("hello", Duration.ofSeconds(5));
        }
    }

    @Test
    void runnableJarIsWrappedWithAJavaEntrypoint() throws Exception {
        Path jar = dir.resolve("app.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.App");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.closeEntry();
        }
        Cli.Result r = Cli.run("module", "package", jar.toString(), "--java-opt=-Xmx32m", "-o",
                dir.resolve("app.tar.gz").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(digestOf(r)).isEqualTo(sha256(dir.resolve("app.tar.gz")));
        Process tar = new ProcessBuilder("tar", "xzf", "app.tar.gz", "-O", "brink-module.json")
                .directory(dir.toFile()).start();
        String manifest = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).isZero();
        assertThat(manifest.replaceAll("\\s", "")).contains("\"entrypoint\":[\"java\",\"-Xmx32m\",\"-jar\",\"app.jar\"]");
    }

    @Test
    void refusesWhatTheEdgeWouldRefuse() throws Exception {
        Path noManifest = Files.createDirectories(dir.resolve("empty"));
        Cli.Result r1 = Cli.run("module", "package", noManifest.toString(), "-o", dir.resolve("x.tar.gz").toString());
        assertThat(r1.exitCode()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r1.err()).contains("has no brink-module.json");

        // The edge's own manifest rules (brink-edge PackageManifest) answer, not a copy of them.
        Path typo = shellModule(dir.resolve("typo"), "{\"entryPoint\": [\"bin/run.sh\"]}");
        Cli.Result r2 = Cli.run("module", "package", typo.toString(), "-o", dir.resolve("typo.tar.gz").toString());
        assertThat(r2.exitCode()).as(r2.toString()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r2.err()).contains("the edge runtime would refuse this package").contains("unknown key 'entryPoint'");
        assertThat(dir.resolve("typo.tar.gz")).doesNotExist();

        Path missing = shellModule(dir.resolve("missing"), "{\"entrypoint\": [\"bin/nope.sh\"]}");
        Cli.Result r3 = Cli.run("module", "package", missing.toString(), "-o", dir.resolve("m.tar.gz").toString());
        assertThat(r3.exitCode()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r3.err()).contains("bin/nope.sh");

        Path notRunnable = dir.resolve("lib.jar");
        try (OutputStream out = Files.newOutputStream(notRunnable); JarOutputStream j = new JarOutputStream(out)) {
            j.closeEntry();
        }
        Cli.Result r4 = Cli.run("module", "package", notRunnable.toString());
        assertThat(r4.exitCode()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r4.err()).contains("not a runnable jar");
    }

    private static Path shellModule(Path root, String manifest) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("brink-module.json"), manifest);
        Path run = Files.writeString(root.resolve("bin/run.sh"), "#!/bin/sh\necho hello from package\nexec sleep 1000\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private static String digestOf(Cli.Result r) {
        Matcher m = DIGEST.matcher(r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return m.group(1);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
