package dev.brink.cli;

import dev.brink.cli.module.Scaffold;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink module new <name> [--dir DIR] [--package P]}: scaffolds a module project (Maven, brink-client). */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create a module project (Maven, Java 17, brink-client) that builds into a process package.")
final class ModuleNewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The module name (lower case, digits, '-').")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", description = "The project directory (default ./NAME); must be new or empty.")
    Path dir;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "The Java package (default com.example.<name>).")
    String javaPackage;

    @Override
    public Integer call() throws Exception {
        Path target = dir != null ? dir : Path.of(name);
        Scaffold.Created created;
        try {
            created = Scaffold.create(name, target, javaPackage, brinkVersion());
        } catch (dev.brink.core.error.BrinkException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Created module project " + name + " in " + created.dir());
        created.files().forEach(f -> out.println("  " + f));
        out.println();
        out.println("Next (see " + created.dir().resolve("README.md") + "):");
        out.println("  ./mvnw -o -q -pl brink-client -am install -DskipTests   # once, in the Brink clone: the SDK");
        out.println("  cd " + created.dir() + " && mvn -o -q package");
        out.println("  brink module package target/" + name + ".jar -o target/" + name + ".tar.gz");
        out.println("  brink hub deploy <edge-device> -m deployment.json");
        out.flush();
        return 0;
    }

    /** The SDK version the project depends on: this CLI's own version (both come from one Brink build). */
    static String brinkVersion() throws java.io.IOException {
        Properties props = new Properties();
        try (InputStream in = BrinkMain.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                props.load(in);
            }
        }
        String v = props.getProperty("version", "");
        return v.isBlank() || v.contains("${") ? "0.1.0-SNAPSHOT" : v;
    }
}
