package dev.brink.edge.runtime.process;

import dev.brink.core.id.Ids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The on-disk layout of one instance, {@code instances/<dir>/}: {@code work/} (the working directory, fresh on
 * every create), {@code logs/} (kept across restarts), {@code instance.json} and {@code pid}.
 *
 * <p>Module ids may contain {@code . % * ? $ '} and more, and {@code ..} is a valid id, so a name is never used
 * as a path as is: every character other than ASCII letters, digits, {@code -} and {@code _} is
 * percent-encoded ({@code ..} → {@code %2E%2E}, {@code $edgeHub} → {@code %24edgeHub}). An encoding too long
 * for a file name (ids are up to 128 characters, encoded up to 384) is cut and suffixed with a hash of the
 * name, so the mapping stays one-to-one.
 */
record ModuleDirs(String name, Path root) {
    private static final int MAX_DIR_NAME = 200;

    static ModuleDirs of(Path instancesDir, String moduleName) {
        Ids.requireValidModuleId(moduleName);
        return new ModuleDirs(moduleName, instancesDir.resolve(dirName(moduleName)));
    }

    /** The directory name of a (valid) module name; safe on any POSIX file system. */
    static String dirName(String moduleName) {
        StringBuilder sb = new StringBuilder();
        for (byte b : moduleName.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", (int) c));
            }
        }
        if (sb.length() <= MAX_DIR_NAME) {
            return sb.toString();
        }
        return sb.substring(0, MAX_DIR_NAME - 17) + "~" + sha256(moduleName).substring(0, 16);
    }

    Path work() {
        return root.resolve("work");
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path pidFile() {
        return root.resolve("pid");
    }

    Path instanceFile() {
        return root.resolve("instance.json");
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
