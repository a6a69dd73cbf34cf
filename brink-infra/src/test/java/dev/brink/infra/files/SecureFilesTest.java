package dev.brink.infra.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void secretsAreOwnerOnlyAndPublicFilesWorldReadable() throws Exception {
        Path secret = dir.resolve("sub/secret.key");
        SecureFiles.writeSecret(secret, "s1");
        SecureFiles.writeSecret(secret, "s2"); // replaced atomically
        Path cert = dir.resolve("cert.pem");
        SecureFiles.writePublic(cert, "c");
        assertThat(SecureFiles.read(secret)).isEqualTo("s2");
        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(mode(cert)).isEqualTo("rw-r--r--");
        try (var files = Files.list(secret.getParent())) {
            assertThat(files).containsExactly(secret); // no temp file left behind
        }
    }

    @Test
    void ownerOnlyDirectoriesAndFiles() throws Exception {
        Path d = dir.resolve("a/b");
        SecureFiles.ownerOnlyDirectory(d);
        assertThat(mode(d)).isEqualTo("rwx------");
        Path db = d.resolve("x.db");
        SecureFiles.createOwnerOnlyFile(db);
        Files.writeString(db, "keep");
        SecureFiles.createOwnerOnlyFile(db); // exists: untouched
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(Files.readString(db)).isEqualTo("keep");
    }
}
