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
     * {@code pid}: the process id, its start time (epoch ms, from the OS), a marker that its command line
     * must contain and the boot it ran in — together they make sure a reused pid is never mistaken for a
     * module.
     */
    record PidRecord(long pid, Long startedAtMillis, String marker, String bootId) {
        static PidRecord of(ProcessHandle process, List<String> command) {
            Long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(null);
            return new PidRecord(process.pid(), start, marker(command), ProcessTree.bootId());
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

        /**
         * The processes of this module that still run: the module process and its group when it is still
         * the same process (start time and command line match), or — when it is gone but left its group
         * behind — the group's members that started after it. The pid of a group leader is not reused
         * while its group has members, so those are the module's. Nothing across a reboot.
         */
        List<ProcessHandle> leftovers() {
            String boot = ProcessTree.bootId();
            if (bootId != null && boot != null && !bootId.equals(boot)) {
                return List.of();
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessTree::isRunning);
            if (process.isPresent()) {
                return isSameProcess(process.get()) ? ProcessTree.members(process.get()) : List.of();
            }
            return startedAtMillis == null ? List.of() : ProcessTree.group(pid, startedAtMillis - 1000);
        }

        private boolean isSameProcess(ProcessHandle handle) {
            ProcessHandle.Info info = handle.info();
            Optional<Instant> start = info.startInstant();
            Optional<String> commandLine = info.commandLine().or(info::command);
            boolean startKnown = startedAtMillis != null && start.isPresent();
            if (startKnown && Duration.between(Instant.ofEpochMilli(startedAtMillis), start.get()).abs()
                    .compareTo(Duration.ofSeconds(1)) > 0) {
                return false;
            }
            if (commandLine.isPresent() && marker != null && !commandLine.get().contains(marker)) {
                return false;
            }
            return startKnown || commandLine.isPresent();
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
