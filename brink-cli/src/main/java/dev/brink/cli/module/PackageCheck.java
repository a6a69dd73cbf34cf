package dev.brink.cli.module;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.brink.edge.runtime.ModuleSpec;
import dev.brink.edge.runtime.process.ProcessModuleRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Checks a package the way the edge will read it: the edge runtime's own process runtime prepares it in a
 * throw-away directory (the same fetch, digest, extraction and {@code brink-module.json} rules as on a
 * device), so {@code brink module package} can never accept what an edge would refuse, and the format is
 * parsed in one place only (brink-edge's {@code PackageExtractor}/{@code PackageManifest}).
 */
public final class PackageCheck {
    private PackageCheck() {
    }

    /** Throws the edge's own error (a {@link dev.brink.core.error.BrinkException}) when it would refuse it. */
    public static void acceptedByEdge(Path pkg) throws IOException {
        Path scratch = Files.createTempDirectory("brink-package-check");
        Logger store = (Logger) LoggerFactory.getLogger("dev.brink.edge.runtime.process");
        Level before = store.getLevel();
        store.setLevel(Level.WARN); // "installed package …" is noise here
        try (ProcessModuleRuntime runtime = new ProcessModuleRuntime(scratch, Clock.systemUTC())) {
            runtime.prepare(new ModuleSpec("package-check", pkg.toAbsolutePath().toString(), null, Map.of(), null,
                    null, null, "check"));
        } finally {
            store.setLevel(before);
            try (Stream<Path> walk = Files.walk(scratch)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    p.toFile().setWritable(true);
                    p.toFile().delete();
                });
            }
        }
    }
}
