package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A package in the cache, {@code packages/sha256/<digest>/}: either {@code module.jar} (a runnable jar) or
 * {@code root/} (an extracted archive with {@code brink-module.json}). Read-only once installed; shared by
 * every instance that runs it.
 */
record ModulePackage(String digest, Path dir, Kind kind, PackageManifest manifest) {
    static final String JAR = "module.jar";
    static final String ROOT = "root";
    /** Expanded in entrypoint arguments and manifest env values to the package's absolute root. */
    static final String PACKAGE_PLACEHOLDER = "${package}";

    enum Kind { JAR, ARCHIVE }

    /** Loads an installed package; null when {@code dir} holds none. */
    static ModulePackage load(String digest, Path dir) {
        if (Files.isRegularFile(dir.resolve(JAR))) {
            return new ModulePackage(digest, dir, Kind.JAR, null);
        }
        Path manifest = dir.resolve(ROOT).resolve(PackageManifest.FILE_NAME);
        if (Files.isRegularFile(manifest)) {
            return new ModulePackage(digest, dir, Kind.ARCHIVE, PackageManifest.read(manifest));
        }
        return null;
    }

    String imageId() {
        return "sha256:" + digest;
    }

    Path root() {
        return kind == Kind.JAR ? dir : dir.resolve(ROOT);
    }

    /** The command line: the same JVM as the runtime for a jar, the manifest's entrypoint otherwise. */
    List<String> command() {
        if (kind == Kind.JAR) {
            return List.of(javaExecutable(), "-jar", dir.resolve(JAR).toString());
        }
        List<String> entry = manifest.entrypoint();
        List<String> out = new ArrayList<>(entry.size());
        out.add(executable(root(), entry.get(0)));
        for (String arg : entry.subList(1, entry.size())) {
            out.add(argument(root(), arg));
        }
        return out;
    }

    /** The manifest's env with {@code ${package}} expanded; the module spec's env is laid over it. */
    Map<String, String> env() {
        Map<String, String> out = new LinkedHashMap<>();
        if (manifest != null) {
            manifest.env().forEach((k, v) -> out.put(k, v.replace(PACKAGE_PLACEHOLDER, root().toString())));
        }
        return out;
    }

    /**
     * {@code java} is the runtime's own JVM; a relative path is a file inside the package (it must exist
     * there); an absolute path is used as is; a bare name is looked up on the module's PATH at launch.
     */
    static String executable(Path root, String token) {
        if (token.equals("java")) {
            return javaExecutable();
        }
        String expanded = token.replace(PACKAGE_PLACEHOLDER, root.toString());
        if (!expanded.contains("/") || (expanded.startsWith("/") && !expanded.startsWith(root + "/"))) {
            return expanded;
        }
        Path file = insidePackage(root, expanded);
        if (file == null || !Files.isRegularFile(file)) {
            throw BrinkException.invalid("the package's entrypoint '" + token + "' is not a file in the package");
        }
        return file.toString();
    }

    /** A relative path naming a file in the package becomes absolute (the working directory is elsewhere). */
    static String argument(Path root, String token) {
        String expanded = token.replace(PACKAGE_PLACEHOLDER, root.toString());
        if (expanded.startsWith("-") || expanded.startsWith("/") || expanded.isEmpty()) {
            return expanded;
        }
        Path file = insidePackage(root, expanded);
        return file != null && Files.exists(file) ? file.toString() : expanded;
    }

    private static Path insidePackage(Path root, String relative) {
        if (relative.startsWith("/")) {
            return relative.startsWith(root.toString() + "/") ? Path.of(relative) : null;
        }
        Path file = root.resolve(relative).normalize();
        return file.startsWith(root) ? file : null;
    }

    static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
