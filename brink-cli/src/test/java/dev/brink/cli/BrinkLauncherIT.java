package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./brink} launcher as a real child process. Runs in the verify phase (failsafe), after the
 * package phase built brink.jar; BRINK_SKIP_BUILD=1 keeps the launcher from rebuilding while Maven runs.
 */
class BrinkLauncherIT {
    /** Failsafe runs in the module directory; the launcher sits at the repository root. */
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    @Timeout(60)
    void launcherPrintsHelpFromAnyDirectory(@TempDir Path elsewhere) throws Exception {
        assertThat(REPO.resolve("brink-cli/target/brink.jar")).exists();
        ProcessBuilder pb = new ProcessBuilder("bash", REPO.resolve("brink").toString(), "--help")
                .directory(elsewhere.toFile());
        pb.environment().put("BRINK_SKIP_BUILD", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
        String out = read(p.getInputStream());
        String err = read(p.getErrorStream());
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).startsWith("Usage: brink").contains("hub");
        assertThat(Files.isExecutable(REPO.resolve("brink"))).isTrue();
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
