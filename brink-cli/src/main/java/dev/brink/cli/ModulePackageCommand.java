package dev.brink.cli;

import dev.brink.cli.module.PackageCheck;
import dev.brink.cli.module.ProcessPackageWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code brink module package <dir|jar> [-o out.tar.gz]}: writes a process-runtime module package, checks it
 * with the edge runtime's own package reader, and prints its sha256 digest and the pinned {@code settings.image}.
 */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Write a process-runtime module package (.tar.gz) and print its sha256 digest.",
            "From a directory: it must hold brink-module.json at its root (docs/module-packages.md).",
            "From a runnable jar: the package runs it with the edge runtime's java (java [--java-opt ...] -jar)."})
final class ModulePackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR|JAR", description = "A package directory or a runnable jar.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the package (default: <name>.tar.gz in the current directory).")
    Path output;

    @Option(names = "--java-opt", paramLabel = "OPTION",
            description = "A JVM option for a jar's entrypoint, e.g. --java-opt=-Xmx64m (repeatable).")
    List<String> javaOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(input)) {
            throw new UsageException(input + " does not exist");
        }
        boolean dir = Files.isDirectory(input);
        if (dir && !javaOptions.isEmpty()) {
            throw new UsageException("--java-opt applies to a jar; a directory's brink-module.json has its own entrypoint");
        }
        String name = input.toAbsolutePath().normalize().getFileName().toString().replaceFirst("\\.jar$", "");
        Path out = output != null ? output : Path.of(name + ".tar.gz");
        ProcessPackageWriter.Written written;
        try {
            written = dir ? ProcessPackageWriter.fromDirectory(input, out)
                    : ProcessPackageWriter.fromJar(input, javaOptions, out);
        } catch (dev.brink.core.error.BrinkException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            PackageCheck.acceptedByEdge(written.file());
        } catch (RuntimeException e) {
            Files.deleteIfExists(written.file());
            throw new UsageException("the edge runtime would refuse this package: " + e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("Package: " + written.file() + " (" + written.size() + " bytes)");
        o.println("Digest:  sha256:" + written.sha256());
        o.println("Image:   " + written.pinnedImage());
        o.flush();
        return 0;
    }
}
