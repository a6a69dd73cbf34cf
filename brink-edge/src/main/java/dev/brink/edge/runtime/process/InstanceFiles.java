package dev.brink.edge.runtime.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.brink.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The two small files an instance keeps beside its working directory, written atomically:
 * {@code instance.json} (what ran, so list() can report it after a restart of the runtime) and {@code pid}
 * (the running process, so a runtime that was killed with {@code kill -9} can end it on its next start).
 */
final class InstanceFiles {
    private InstanceFiles() {
    }

    /** {@code instance.json}. Instants as ISO-8601 text. */
    record InstanceRecord(String name, String image, String imageId, String version, String startedAt) {
    }

    /**
     * {@code pid}: the process id, its start time (epoch ms, from the OS) and a marker that its command line
     * must contain — together they make sure a reused pid is never mistaken for a module.
     */
    record PidRecord(long pid, Long startedAtMillis, String marker) {
        static PidRecord of(ProcessHandle process, List<String> command) {
            Long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(null);
            return new PidRecord(process.pid(), start, marker(command));
        }

        /** The last absolute path of the command (script or jar), else the program name. */
        static String marker(List<String> command) {
            for (int i = command.size() - 1; i >= 0; i--) {
                if (command.get(i).startsWith("/")) {
                    return command.get(i);
                }
            }
            return command.get(0);
        }

        /** The live process this record names, when it still runs and is still the same process. */
        Optional<ProcessHandle> liveProcess() {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessTree::isRunning);
            if (handle.isEmpty()) {
                return handle;
            }
            ProcessHandle.Info info = handle.get().info();
            Optional<Instant> start = info.startInstant();
            Optional<String> commandLine = info.commandLine().or(info::command);
            boolean startKnown = startedAtMillis != null && start.isPresent();
            if (startKnown && Duration.between(Instant.ofEpochMilli(startedAtMillis), start.get()).abs()
                    .compareTo(Duration.ofSeconds(1)) > 0) {
                return Optional.empty();
            }
            if (commandLine.isPresent() && marker != null && !commandLine.get().contains(marker)) {
                return Optional.empty();
            }
            return startKnown || commandLine.isPresent() ? handle : Optional.empty();
        }
    }

    static <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Json.MAPPER.readValue(file.toFile(), type)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void write(Path file, Object value) throws IOException {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException(e);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
