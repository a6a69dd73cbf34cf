package dev.brink.cli.demo;

import dev.brink.core.error.BrinkException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the demo finds its inputs and keeps its data.
 *
 * <p>Inputs come from the Brink source tree this command was built in (found from the jar's location, else from
 * the working directory upwards): the quickstart manifest and the example modules' process packages, which the
 * {@code ./brink} launcher builds. Data goes to the demo directory, <b>wiped at every start</b> so each run begins
 * from nothing — new identities, the sensor's sequence numbers from 1 — and <b>kept after the run</b> for a look
 * at the logs, the hub's database and the edge config. A directory is only wiped when it is empty or carries the
 * demo's marker file, so {@code --dir} pointed at something else is refused instead of emptied.
 */
record DemoLayout(Path repo, Path dir) {
    static final String MARKER = ".brink-demo";
    static final String MANIFEST = "docs/examples/quickstart-manifest.json";

    static DemoLayout locate(Path dir) {
        return new DemoLayout(findRepo(), dir.toAbsolutePath().normalize());
    }

    Path quickstartManifest() {
        return repo.resolve(MANIFEST);
    }

    Path sensorPackage() {
        return repo.resolve("modules/simulated-temperature-sensor/target/simulated-temperature-sensor.tar.gz");
    }

    Path filterPackage() {
        return repo.resolve("modules/filter/target/filter.tar.gz");
    }

    Path hubData() {
        return dir.resolve("hub");
    }

    Path edgeData() {
        return dir.resolve("edge");
    }

    Path edgeConfig() {
        return dir.resolve("edge.toml");
    }

    Path deployedManifest() {
        return dir.resolve("manifest.json");
    }

    Path log(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    /** Checks the packages exist, then empties (or creates) the demo directory and marks it as the demo's. */
    void prepare() {
        for (Path p : List.of(sensorPackage(), filterPackage())) {
            if (!Files.isRegularFile(p)) {
                throw BrinkException.invalid("missing module package " + p + "; build it with ./brink (the launcher "
                        + "builds the example modules) or: cd " + repo + " && ./mvnw -q -DskipTests -pl "
                        + "modules/simulated-temperature-sensor,modules/filter -am package");
            }
        }
        try {
            if (Files.exists(dir)) {
                boolean empty;
                try (Stream<Path> s = Files.list(dir)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(dir.resolve(MARKER))) {
                    throw BrinkException.invalid(dir + " exists and is not a demo directory (no " + MARKER
                            + " in it); pass another --dir or remove it");
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "brink demo data; wiped by the next 'brink demo'\n");
        } catch (IOException e) {
            throw BrinkException.invalid("cannot prepare the demo directory " + dir + ": " + e.getMessage());
        }
    }

    /** The source tree: upwards from the jar (or classes dir) holding this class, else from the working directory. */
    static Path findRepo() {
        Path start;
        try {
            start = Path.of(DemoLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            start = null;
        }
        for (Path from : new Path[] {start, Path.of("").toAbsolutePath()}) {
            for (Path p = from; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve(MANIFEST)) && Files.isDirectory(p.resolve("modules"))) {
                    return p;
                }
            }
        }
        throw BrinkException.invalid("brink demo needs the Brink source tree (its example modules and "
                + MANIFEST + "); run it as ./brink demo from a clone");
    }
}
