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
     * {@code pid}: the process id, its start time (epoch ms from {@link ProcessHandle.Info#startInstant()}, and
     * the exact clock-tick {@code starttime} of {@code /proc/<pid>/stat} where there is one) and the boot it
     * ran in. A process is recognised by pid + start time, never by its command line: a module that
     * {@code exec}s another program changes its command line but keeps its pid and start time, while a
     * process that reuses a stale pid always has a later start time.
     */
    record PidRecord(long pid, Long startedAtMillis, Long startTicks, String bootId) {
        static PidRecord of(ProcessHandle process) {
            Long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(null);
            Long ticks = ProcessTree.startTicks(process.pid()).orElse(null);
            return new PidRecord(process.pid(), start, ticks, ProcessTree.bootId());
        }

        /**
         * The processes of this module that still run: the module process with its group and session when it
         * is still the same process (same start time), or — when it is gone — the members of its group or
         * session (started via {@code setsid}, so pgid == sid == the module pid) that started after it. The
         * pid of a group or session leader is not reused while that group or session has members, so those
         * are the module's. Nothing across a reboot, nothing for a pid now held by another process.
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
            return startedAtMillis == null ? List.of() : ProcessTree.groupOrSession(pid, startedAtMillis - 1000);
        }

        /**
         * Same start time as recorded: the exact {@code /proc} clock ticks when both are known, else the start
         * instant within 1 s (it is derived from ticks and the boot time, so it may wobble slightly). With no
         * start time to compare, the process is left alone: killing on a guess could hit an unrelated one.
         */
        private boolean isSameProcess(ProcessHandle handle) {
            Optional<Long> ticks = ProcessTree.startTicks(handle.pid());
            if (startTicks != null && ticks.isPresent()) {
                return startTicks.equals(ticks.get());
            }
            Optional<Instant> start = handle.info().startInstant();
            return startedAtMillis != null && start.isPresent()
                    && Duration.between(Instant.ofEpochMilli(startedAtMillis), start.get()).abs()
                            .compareTo(Duration.ofSeconds(1)) <= 0;
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
