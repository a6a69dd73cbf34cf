package dev.brink.edge.runtime.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An instance's combined stdout/stderr: {@code module.log} (newest), {@code module.log.1}, … up to
 * {@code files} files of at most {@code maxBytes} each, so an instance never holds more than
 * {@code files × maxBytes} on disk. Rotation happens at a line boundary when the chunk allows it (a line longer
 * than a whole file is split). Writes go straight to the file, unbuffered, so {@link #tail} sees everything
 * the module printed so far. Appends to existing files, so logs survive restarts of the instance.
 */
final class RotatingLog implements AutoCloseable {
    static final String BASE = "module.log";

    private final Path dir;
    private final long maxBytes;
    private final int files;
    private OutputStream out;
    private long size;
    private boolean closed;

    RotatingLog(Path dir, long maxBytes, int files) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.files = files;
    }

    /** Appends; dropped once the log is closed (an escaped child may still print after remove()). */
    synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0 && !closed) {
            ensureOpen();
            long room = maxBytes - size;
            if (len <= room) {
                out.write(b, off, len);
                size += len;
                return;
            }
            int cut = lastNewline(b, off, (int) Math.min(room, len));
            if (cut == 0 && size == 0) {
                cut = (int) Math.min(room, len);
            }
            if (cut > 0) {
                out.write(b, off, cut);
                size += cut;
                off += cut;
                len -= cut;
            }
            rotate();
        }
    }

    /** The last {@code tail} lines (0 = all kept), oldest first. */
    synchronized List<String> tail(int tail) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            for (int i = files - 1; i >= 0; i--) {
                Path f = file(i);
                if (Files.isRegularFile(f)) {
                    all.write(Files.readAllBytes(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read logs in " + dir, e);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return tail <= 0 || tail >= lines.size() ? lines : List.copyOf(lines.subList(lines.size() - tail, lines.size()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeStream();
    }

    private void closeStream() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing buffered: every write already reached the file
            }
            out = null;
        }
    }

    Path file(int index) {
        return dir.resolve(index == 0 ? BASE : BASE + "." + index);
    }

    private void ensureOpen() throws IOException {
        if (out == null) {
            Files.createDirectories(dir);
            Path current = file(0);
            out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(current);
        }
    }

    private void rotate() throws IOException {
        closeStream();
        Files.deleteIfExists(file(files - 1));
        for (int i = files - 2; i >= 0; i--) {
            if (Files.exists(file(i))) {
                Files.move(file(i), file(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ensureOpen();
    }

    /** Bytes up to and including the last '\n' within {@code b[off, off+limit)}, or 0. */
    private static int lastNewline(byte[] b, int off, int limit) {
        for (int i = off + limit - 1; i >= off; i--) {
            if (b[i] == '\n') {
                return i - off + 1;
            }
        }
        return 0;
    }
}
