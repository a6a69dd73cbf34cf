package dev.brink.cli.module;

import dev.brink.core.error.BrinkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code brink module new}: a Maven project for one module, depending on {@code dev.brink:brink-client}. Its build
 * makes a runnable jar (maven-shade-plugin) that {@code brink module package} turns into a process package. The
 * plugin versions are Brink's own (root pom.xml), so a machine that has built Brink builds the module offline.
 * Templates are text here, not resources: brink-cli's resources are Maven-filtered, which would eat the
 * {@code ${...}} of the generated pom.
 */
public final class Scaffold {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    /** What was written: the project directory and its files (relative paths). */
    public record Created(Path dir, String className, List<String> files) {
    }

    private Scaffold() {
    }

    public static Created create(String name, Path dir, String javaPackage, String brinkVersion) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw BrinkException.invalid("module name '" + name + "' must be lower case letters, digits and '-', "
                    + "starting with a letter, at most 63 characters (it is the Maven artifactId, the jar name and "
                    + "the module's name in the deployment)");
        }
        String pkg = javaPackage != null ? javaPackage : "com.example." + name.replace("-", "");
        if (!PACKAGE.matcher(pkg).matches()) {
            throw BrinkException.invalid("'" + pkg + "' is not a lower-case Java package name");
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw BrinkException.invalid(dir + " already exists and is not empty");
                }
            }
        }
        String className = className(name);
        Map<String, String> vars = Map.of("%NAME%", name, "%PACKAGE%", pkg, "%CLASS%", className,
                "%BRINK_VERSION%", brinkVersion, "%PACKAGE_PATH%",
                dir.toAbsolutePath().normalize().resolve("target").resolve(name + ".tar.gz").toString());
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", ScaffoldTemplates.POM);
        files.put("src/main/java/" + pkg.replace('.', '/') + "/" + className + ".java", ScaffoldTemplates.MAIN);
        files.put("deployment.json", ScaffoldTemplates.DEPLOYMENT);
        files.put("README.md", ScaffoldTemplates.README);
        files.put(".gitignore", "target/\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            String text = f.getValue();
            for (Map.Entry<String, String> v : vars.entrySet()) {
                text = text.replace(v.getKey(), v.getValue());
            }
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        return new Created(dir, className, List.copyOf(files.keySet()));
    }

    /** {@code temperature-alarm} → {@code TemperatureAlarmModule}. */
    static String className(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("-")) {
            if (!part.isEmpty()) {
                sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        String base = sb.toString();
        return base.endsWith("Module") ? base : base + "Module";
    }
}
