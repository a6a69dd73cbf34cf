package dev.brink.edge.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brink.edge.PodmanService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Podman for {@link QuickstartDockerIT}: a private Docker-API service ({@code podman system service}) on a socket in
 * the test's temp dir, the example modules' images built from their Containerfiles on a local Java base image (no
 * registry anywhere), and the cleanup of what the test made.
 *
 * <p>The base image {@value #BASE} comes from {@code modules/local-jre-image.sh} (a jlink'ed runtime of the JDK
 * running this test, plus the host libraries it needs, {@code podman import}ed). It is kept between runs: the script
 * labels it with what it was made from and does nothing (≈0.1 s) while that still holds, so only the first run on a
 * machine pays its ≈15 s. The module images are per run ({@code :0.1-it<run>}) and removed by {@link #close()}.
 * Needs root (rootful podman, as {@code .ci/setup-podman.sh} configures it); without podman the test is skipped.
 */
final class PodmanImages implements AutoCloseable {
    static final String BASE = "localhost/brink-jre:17";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final Path repo;
    private final PodmanService service;
    private final List<String> images = new ArrayList<>();

    static PodmanImages startOrSkip(Path dir, Path repo) throws Exception {
        assumeTrue(PodmanService.onPath("podman"), "podman is not installed: QuickstartDockerIT skipped "
                + "(run `sudo bash .ci/setup-podman.sh` to install and configure it)");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: QuickstartDockerIT needs rootful podman (.ci/setup-podman.sh), skipped");
        return new PodmanImages(dir, repo);
    }

    private PodmanImages(Path dir, Path repo) throws Exception {
        this.dir = dir;
        this.repo = repo;
        this.service = new PodmanService(dir, Map.of());
    }

    URI engineUri() {
        return service.engineUri();
    }

    /** Builds (or finds up to date) {@value #BASE} from the JDK running this test. */
    void ensureBaseImage() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("modules/local-jre-image.sh").toString(), BASE);
        pb.environment().put("JAVA_HOME", javaHome());
        pb.environment().put("ENGINE", "podman");
        run(pb, true);
    }

    /** {@code podman build --build-arg BASE=… -t tag modules/<module>}; the image is removed by {@link #close()}. */
    void build(String module, String tag) throws Exception {
        images.add(tag);
        run(new ProcessBuilder("podman", "build", "-q", "--build-arg", "BASE=" + BASE, "-t", tag,
                repo.resolve("modules").resolve(module).toString()), true);
    }

    /** The last lines of a container's log (for failure reports), or why there are none. */
    String logs(String container) {
        try {
            return run(new ProcessBuilder("podman", "logs", "--tail", "20", container).redirectErrorStream(true), false);
        } catch (Exception e) {
            return "(no logs: " + e + ")";
        }
    }

    /** Removes every container labelled for {@code deviceId} (Brink's labels), then the images built here. */
    void removeContainers(String deviceId) throws Exception {
        String ids = run(new ProcessBuilder("podman", "ps", "-a", "-q", "--filter", "label=dev.brink.device=" + deviceId),
                false).strip();
        if (!ids.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("podman", "rm", "-f", "-t", "0", "--ignore"));
            cmd.addAll(Arrays.asList(ids.split("\\s+")));
            run(new ProcessBuilder(cmd), false);
        }
    }

    @Override
    public void close() {
        try {
            for (String image : images) {
                run(new ProcessBuilder("podman", "rmi", "-f", image), false);
            }
        } catch (Exception e) {
            System.err.println("podman cleanup failed: " + e);
        } finally {
            service.close();
        }
    }

    /** Runs a command to completion (bounded), returning stdout; {@code check}: a non-zero exit fails with stderr. */
    private String run(ProcessBuilder pb, boolean check) throws Exception {
        return PodmanService.run(dir, pb, COMMAND_TIMEOUT, check).stdout();
    }

    /** The JDK running this test (java.home is the JDK itself since Java 9), which must have jlink. */
    private static String javaHome() {
        String home = System.getProperty("java.home");
        assumeTrue(Files.isExecutable(Path.of(home, "bin", "jlink")),
                "the JDK running the tests (" + home + ") has no jlink: QuickstartDockerIT skipped");
        return home;
    }
}
