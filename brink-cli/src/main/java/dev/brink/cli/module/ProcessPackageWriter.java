package dev.brink.cli.module;

import dev.brink.core.error.BrinkException;
import dev.brink.core.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes a process-runtime module package (docs/module-packages.md): a .tar.gz with {@code brink-module.json} at
 * its root. From a directory that already holds {@code brink-module.json}, the directory as it is; from a
 * runnable jar, the jar plus a generated {@code brink-module.json} running it with the runtime's own java.
 * <p>
 * The archive is reproducible — entries sorted, times, owners and gzip header fixed, modes reduced to
 * 0644/0755 — so the same input gives the same digest, and a digest pin in a manifest survives a rebuild.
 * What the edge accepts is not re-implemented here: {@link PackageCheck} runs the edge runtime's own
 * package store over the result.
 */
public final class ProcessPackageWriter {
    public static final String MANIFEST = "brink-module.json";

    /** The written package: its path, size and sha256 (hex). */
    public record Written(Path file, long size, String sha256) {
        /** {@code settings.image} pinned to this content. */
        public String pinnedImage() {
            return file.toAbsolutePath() + "@sha256:" + sha256;
        }
    }

    private ProcessPackageWriter() {
    }

    /** Packages a directory holding {@code brink-module.json}. */
    public static Written fromDirectory(Path dir, Path out) throws IOException {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw BrinkException.invalid(dir + " has no " + MANIFEST + " at its root (see docs/module-packages.md); "
                    + "package a runnable jar instead, or add one: {\"entrypoint\": [\"bin/run.sh\"]}");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> !p.equals(dir)).filter(p -> !p.toAbsolutePath().normalize()
                    .equals(out.toAbsolutePath().normalize())).sorted().toList();
        }
        return write(out, tar -> {
            for (Path p : files) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) {
                    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                    put(tar, e, 0777, null);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    put(tar, new TarArchiveEntry(name + "/"), 0755, null);
                } else {
                    put(tar, new TarArchiveEntry(name), Files.isExecutable(p) ? 0755 : 0644, p);
                }
            }
        });
    }

    /**
     * Packages a runnable jar (with {@code Main-Class}) as {@code <jar name>} plus a manifest whose entrypoint is
     * {@code java [javaOptions] -jar <jar name>}.
     */
    public static Written fromJar(Path jar, List<String> javaOptions, Path out) throws IOException {
        String mainClass;
        try (JarFile jf = new JarFile(jar.toFile())) {
            mainClass = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            throw BrinkException.invalid(jar + " is not a jar: " + e.getMessage());
        }
        if (mainClass == null) {
            throw BrinkException.invalid(jar + " is not a runnable jar: no Main-Class in META-INF/MANIFEST.MF "
                    + "(build it with a Main-Class, e.g. maven-shade-plugin's ManifestResourceTransformer)");
        }
        String jarName = jar.getFileName().toString();
        ObjectNode manifest = Json.object();
        ArrayNode entry = manifest.putArray("entrypoint").add("java");
        javaOptions.forEach(entry::add);
        entry.add("-jar").add(jarName);
        manifest.put("description", jarName + " (" + mainClass + ")");
        byte[] manifestBytes = (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        return write(out, tar -> {
            TarArchiveEntry m = new TarArchiveEntry(MANIFEST);
            m.setSize(manifestBytes.length);
            m.setMode(0100644);
            fix(m);
            tar.putArchiveEntry(m);
            tar.write(manifestBytes);
            tar.closeArchiveEntry();
            put(tar, new TarArchiveEntry(jarName), 0644, jar);
        });
    }

    private interface Body {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    /** Writes to a temporary file next to {@code out}, hashing on the way, then renames it into place. */
    private static Written write(Path out, Body body) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        MessageDigest sha = sha256();
        try {
            GzipParameters gz = new GzipParameters();
            gz.setModificationTime(0);
            try (OutputStream file = Files.newOutputStream(tmp);
                 DigestOutputStream hashed = new DigestOutputStream(file, sha);
                 GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(hashed, gz);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                body.write(tar);
                tar.finish();
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Written(target, Files.size(target), HexFormat.of().formatHex(sha.digest()));
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, int mode, Path content) throws IOException {
        int type = e.isSymbolicLink() ? 0120000 : e.isDirectory() ? 040000 : 0100000;
        e.setMode(type | mode);
        if (content != null) {
            e.setSize(Files.size(content));
        }
        fix(e);
        tar.putArchiveEntry(e);
        if (content != null) {
            try (InputStream in = Files.newInputStream(content)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }

    /** Nothing about the machine that built it goes into the archive. */
    private static void fix(TarArchiveEntry e) {
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
