package dev.brink.edge.runtime.process;

import dev.brink.core.error.BrinkException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Set;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Turns a downloaded package file into a package directory: a runnable jar is kept as {@code module.jar};
 * a .tar.gz or .zip is extracted into {@code root/}. The format is sniffed from the content, not the name
 * (URLs need not end in .tar.gz). Archives are untrusted input: entries may not escape the package
 * (absolute names, {@code ..}, symlinks pointing outside), hard links and device files are refused, and the
 * expanded size is capped. Extracted files are made read-only, since instances share them.
 */
final class PackageExtractor {
    private static final Pattern MANIFEST_ENTRY = Pattern.compile("(?:\\./)?(?:[^/]+/)?"
            + Pattern.quote(PackageManifest.FILE_NAME));
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");
    private static final Set<PosixFilePermission> READ_EXEC = PosixFilePermissions.fromString("r-xr-xr-x");

    private final long maxExtractedBytes;
    private long extracted;

    PackageExtractor(long maxExtractedBytes) {
        this.maxExtractedBytes = maxExtractedBytes;
    }

    /** Fills the empty directory {@code dir} from {@code file}; the caller validates the result. */
    void extract(Path file, Path dir) throws IOException {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            extractTarGz(file, dir.resolve(ModulePackage.ROOT));
            liftSingleTopDirectory(dir.resolve(ModulePackage.ROOT));
        } else if (n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            extractZipOrJar(file, dir);
        } else {
            throw BrinkException.invalid("the package is neither a runnable jar nor a .tar.gz/.zip module package");
        }
    }

    private void extractZipOrJar(Path file, Path dir) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            boolean hasManifest = Collections.list(zip.getEntries()).stream()
                    .anyMatch(e -> MANIFEST_ENTRY.matcher(e.getName()).matches());
            if (hasManifest) {
                extractZip(zip, dir.resolve(ModulePackage.ROOT));
                liftSingleTopDirectory(dir.resolve(ModulePackage.ROOT));
                return;
            }
            ZipArchiveEntry jarManifest = zip.getEntry("META-INF/MANIFEST.MF");
            String mainClass = null;
            if (jarManifest != null) {
                try (InputStream in = zip.getInputStream(jarManifest)) {
                    mainClass = new Manifest(in).getMainAttributes().getValue("Main-Class");
                }
            }
            if (mainClass == null) {
                throw BrinkException.invalid("the zip package has no " + PackageManifest.FILE_NAME
                        + " and is not a runnable jar (no Main-Class in META-INF/MANIFEST.MF)");
            }
        }
        Path jar = dir.resolve(ModulePackage.JAR);
        Files.copy(file, jar);
        setPermissions(jar, false);
    }

    private void extractTarGz(Path file, Path root) throws IOException {
        Files.createDirectories(root);
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(file)));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = target(root, e.getName());
                if (target == null) {
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    symlink(root, target, e.getLinkName());
                } else if (e.isLink() || e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    throw BrinkException.invalid("package entry '" + e.getName() + "': hard links and device "
                            + "files are not supported");
                } else {
                    writeFile(tar, target, (e.getMode() & 0111) != 0);
                }
            }
        }
    }

    private void extractZip(ZipFile zip, Path root) throws IOException {
        Files.createDirectories(root);
        for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
            Path target = target(root, e.getName());
            if (target == null) {
                continue;
            }
            if (e.isDirectory()) {
                Files.createDirectories(target);
            } else if (e.isUnixSymlink()) {
                symlink(root, target, zip.getUnixSymlink(e));
            } else {
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
                    // zips made without unix modes (Windows tools, java.util.zip) lose the executable bit:
                    // then scripts and binaries are recognised by their first bytes
                    boolean executable = e.getUnixMode() != 0 ? (e.getUnixMode() & 0111) != 0 : looksExecutable(in);
                    writeFile(in, target, executable);
                }
            }
        }
    }

    private static boolean looksExecutable(InputStream in) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        return (head.length >= 2 && head[0] == '#' && head[1] == '!')
                || (head.length == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F');
    }

    /** The entry's path inside {@code root}, null for the root itself; refuses anything that escapes. */
    private static Path target(Path root, String name) {
        Path target = root.resolve(name).normalize();
        if (target.equals(root)) {
            return null;
        }
        if (!target.startsWith(root) || name.startsWith("/")) {
            throw BrinkException.invalid("package entry '" + name + "' points outside the package");
        }
        return target;
    }

    private static void symlink(Path root, Path link, String linkTarget) throws IOException {
        if (linkTarget == null || linkTarget.startsWith("/")
                || !link.getParent().resolve(linkTarget).normalize().startsWith(root)) {
            throw BrinkException.invalid("package symlink '" + root.relativize(link) + "' -> '" + linkTarget
                    + "' points outside the package");
        }
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(linkTarget));
    }

    private void writeFile(InputStream in, Path target, boolean executable) throws IOException {
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                extracted += n;
                if (extracted > maxExtractedBytes) {
                    throw BrinkException.invalid("the package expands to more than " + maxExtractedBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
        setPermissions(target, executable);
    }

    /** {@code tar czf pkg.tar.gz mymodule/} is common: a lone top directory holding the manifest is the root. */
    private static void liftSingleTopDirectory(Path root) throws IOException {
        if (Files.exists(root.resolve(PackageManifest.FILE_NAME))) {
            return;
        }
        Path only;
        try (Stream<Path> children = Files.list(root)) {
            var all = children.toList();
            if (all.size() != 1 || !Files.isDirectory(all.get(0))) {
                return;
            }
            only = all.get(0);
        }
        Path lifted = root.resolveSibling(ModulePackage.ROOT + ".lift");
        Files.move(only, lifted);
        Files.delete(root);
        Files.move(lifted, root);
    }

    static void setPermissions(Path file, boolean executable) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, executable ? READ_EXEC : READ_ONLY);
        }
    }
}
