package dev.brink.infra.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files written atomically (temp file + rename) and created with their final POSIX permissions, so a secret
 * is never readable by anyone else, not even for a moment; owner-only directories. On file systems without
 * POSIX permissions the permissions are skipped.
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {
    }

    /** Writes a secret (private key, policy keys, connection string) readable by the owner only (0600). */
    public static void writeSecret(Path file, String content) {
        write(file, content, OWNER_ONLY);
    }

    /** Writes public material (certificates) readable by everyone (0644). */
    public static void writePublic(Path file, String content) {
        write(file, content, WORLD_READABLE);
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    public static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException(dir + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create directory " + dir, e);
        }
    }

    /** Creates {@code dir} (and parents) and makes {@code dir} itself 0700. */
    public static void ownerOnlyDirectory(Path dir) {
        createDirectories(dir);
        try {
            if (isPosix(dir)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make " + dir + " owner-only", e);
        }
    }

    /** Creates an empty owner-only (0600) file unless it exists, e.g. before a database library opens it. */
    public static void createOwnerOnlyFile(Path file) {
        createDirectories(file.toAbsolutePath().getParent());
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, isPosix(file)
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                        : new FileAttribute<?>[0]);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile: fine
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + file, e);
        }
    }

    /** Replaces {@code file} atomically with {@code content}, created with {@code permissions}; creates its directory. */
    public static void write(Path file, String content, Set<PosixFilePermission> permissions) {
        Path dir = file.toAbsolutePath().getParent();
        createDirectories(dir);
        Path tmp = null;
        try {
            FileAttribute<?>[] attributes = isPosix(dir)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attributes);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (isPosix(file)) {
                Files.setPosixFilePermissions(file, permissions); // exact, whatever the umask took away
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is the one worth reporting
                }
            }
        }
    }

    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
