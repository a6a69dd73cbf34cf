package dev.brink.edge.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Module packages built at test time: a shell-script .tar.gz, a zip, a runnable jar. */
final class TestPackages {
    /**
     * {@code bin/run.sh} dispatches on {@code $MODE} to one of the scripts below with {@code exec}, so the
     * module's pid stays the script's pid. Every script writes its pid to {@code module.pid} in the working
     * directory.
     */
    static final Map<String, String> SCRIPTS = scripts();

    private TestPackages() {
    }

    private static Map<String, String> scripts() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bin/run.sh", "#!/bin/sh\necho $$ > module.pid\nexec \"$(dirname \"$0\")/$MODE.sh\" \"$@\"\n");
        s.put("bin/env.sh", "#!/bin/sh\nenv | sort | sed 's/^/ENV /'\necho \"PWD $(pwd)\"\n"
                + "if [ -e state.txt ]; then echo STALE; fi\necho hello > state.txt\n"
                + "echo \"ARGS $*\"\ncat \"$(dirname \"$0\")/../share/data.txt\"\n");
        s.put("bin/exit.sh", "#!/bin/sh\necho \"exiting with $CODE\"\nexit $CODE\n");
        // the child ignores TERM: dash may skip the trap's output when its child dies of the same signal first
        s.put("bin/sleep.sh", "#!/bin/sh\ntrap 'echo got TERM; exit 0' TERM\necho ready\n"
                + "(trap '' TERM; exec sleep 1000) &\nwait\n");
        s.put("bin/ignore.sh", "#!/bin/sh\ntrap '' TERM\necho ready\nwhile :; do sleep 0.2; done\n");
        s.put("bin/tree.sh", "#!/bin/sh\nsleep 1000 &\necho $! > child.pid\n"
                + "sh -c 'sleep 1000 & echo $! > grandchild.pid; wait' &\n"
                + "while [ ! -s grandchild.pid ]; do sleep 0.05; done\necho ready\nwait\n");
        // replaces itself with another program: the module's command line no longer names the package
        s.put("bin/execs.sh", "#!/bin/sh\nsleep 1000 &\necho $! > child.pid\necho ready\nexec sleep 1001\n");
        s.put("bin/chatter.sh", "#!/bin/sh\ni=0\nwhile [ $i -lt $LINES ]; do\n"
                + "  echo \"line $i ........................................\"\n  i=$((i+1))\ndone\n");
        s.put("share/data.txt", "package data\n");
        return s;
    }

    static String manifest() {
        return "{\"entrypoint\": [\"bin/run.sh\", \"--flag\", \"share/data.txt\"],"
                + " \"env\": {\"FROM_MANIFEST\": \"m\", \"OVERRIDDEN\": \"by manifest\", \"PKG\": \"${package}/share\"},"
                + " \"description\": \"test scripts\"}";
    }

    /** The shell-script package as .tar.gz, optionally with every entry under {@code topDir/}. */
    static Path shellTarGz(Path file, String topDir) throws IOException {
        String prefix = topDir == null ? "" : topDir + "/";
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(tar, prefix + PackageManifest.FILE_NAME, manifest(), 0644);
            for (Map.Entry<String, String> e : SCRIPTS.entrySet()) {
                put(tar, prefix + e.getKey(), e.getValue(), e.getKey().endsWith(".sh") ? 0755 : 0644);
            }
        }
        return file;
    }

    /** A tar.gz holding one entry with the given name (for path-escape tests) plus a manifest. */
    static Path tarGzWithEntry(Path file, String entryName) throws IOException {
        return tarGz(file, "{\"entrypoint\": [\"sh\"]}", Map.of(entryName, "evil\n"));
    }

    /** A tar.gz with the given manifest text and files. */
    static Path tarGz(Path file, String manifest, Map<String, String> files) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            put(tar, PackageManifest.FILE_NAME, manifest, 0644);
            for (Map.Entry<String, String> e : files.entrySet()) {
                put(tar, e.getKey(), e.getValue(), 0755);
            }
        }
        return file;
    }

    /** The same scripts as a zip without unix modes: the entrypoint must be made executable on install. */
    static Path shellZip(Path file) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(PackageManifest.FILE_NAME));
            zip.write(manifest().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> e : SCRIPTS.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }

    /** A runnable jar of {@link JarModuleMain}, built from its class file. */
    static Path runnableJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, JarModuleMain.class.getName());
        String entry = JarModuleMain.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest);
             InputStream cls = JarModuleMain.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            cls.transferTo(jar);
        }
        return file;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void put(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        entry.setMode(mode);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
