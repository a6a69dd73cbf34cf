package dev.brink.edge.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finding and ending every process of a module. Each module is started through {@code setsid}, so it leads
 * its own process group: children it leaves behind stay in that group after it exits, even though they are
 * re-parented and no longer show up in {@link ProcessHandle#descendants()}. The group is read from
 * {@code /proc/<pid>/stat} (group and session ids); on systems without {@code /proc} or {@code setsid} only
 * descendants are found.
 * A process that moves itself to another group or session (a daemon) escapes — see README.
 *
 * <p>Zombies count as gone: they are dead, only not yet reaped by whoever inherited them (PID 1 in a
 * container may never reap).
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");
    private static final String SETSID = findSetsid();

    private ProcessTree() {
    }

    /** The command prefixed with {@code setsid} when available (it execs in place: the pid stays the same). */
    static List<String> inOwnGroup(List<String> command) {
        if (SETSID == null) {
            return command;
        }
        List<String> out = new ArrayList<>(command.size() + 1);
        out.add(SETSID);
        out.addAll(command);
        return out;
    }

    /** The leader (if still running), its descendants and every other member of its process group or session. */
    static List<ProcessHandle> members(ProcessHandle leader) {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        leader.descendants().forEach(p -> all.put(p.pid(), p));
        groupOrSession(leader.pid(), Long.MIN_VALUE).forEach(p -> all.putIfAbsent(p.pid(), p));
        if (isRunning(leader)) {
            all.put(leader.pid(), leader);
        }
        all.remove(ProcessHandle.current().pid());
        return new ArrayList<>(all.values());
    }

    /**
     * The running members of the process group or session led by {@code leader} that started at or after
     * {@code notBeforeMillis} (epoch ms), with their descendants. The session catches a child that moved to
     * a process group of its own (job control) without leaving the module's session.
     */
    static List<ProcessHandle> groupOrSession(long leader, long notBeforeMillis) {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        for (long pid : groupOrSessionMembers(leader)) {
            ProcessHandle.of(pid)
                    .filter(p -> p.info().startInstant().map(i -> i.toEpochMilli() >= notBeforeMillis).orElse(true))
                    .ifPresent(p -> {
                        all.putIfAbsent(pid, p);
                        p.descendants().forEach(d -> all.putIfAbsent(d.pid(), d));
                    });
        }
        all.remove(ProcessHandle.current().pid());
        return new ArrayList<>(all.values());
    }

    /** This boot's id ({@code /proc/sys/kernel/random/boot_id}), or null: pids mean nothing across boots. */
    static String bootId() {
        try {
            return Files.readString(PROC.resolve("sys/kernel/random/boot_id"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** SIGTERM ({@code force == false}) or SIGKILL to each process still running. */
    static void signal(Collection<ProcessHandle> processes, boolean force) {
        for (ProcessHandle p : processes) {
            if (isRunning(p)) {
                // false means not ours to signal or already gone; the caller's wait tells which
                if (force) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            }
        }
    }

    /** Waits until none of {@code processes} runs, up to {@code timeout}; true when all are gone. */
    static boolean awaitGone(Collection<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (processes.stream().noneMatch(ProcessTree::isRunning)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL what is left and wait briefly for it to die. */
    static void terminate(Collection<ProcessHandle> processes, Duration grace) {
        signal(processes, false);
        if (!awaitGone(processes, grace)) {
            signal(processes, true);
            awaitGone(processes, Duration.ofSeconds(5));
        }
    }

    /** Alive and not a zombie. */
    static boolean isRunning(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        Optional<String[]> stat = stat(p.pid());
        return stat.isEmpty() || !"Z".equals(stat.get()[0]) && !"X".equals(stat.get()[0]);
    }

    static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
    }

    /**
     * Pids whose process group or session id is {@code leader}, by scanning {@code /proc}; no zombies. Empty
     * without {@code /proc}.
     */
    static List<Long> groupOrSessionMembers(long leader) {
        String id = Long.toString(leader);
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(PROC)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path d : dirs) {
                long pid = Long.parseLong(d.getFileName().toString());
                Optional<String[]> stat = stat(pid);
                if (stat.isPresent() && stat.get().length > 3
                        && (stat.get()[2].equals(id) || stat.get()[3].equals(id)) && !"Z".equals(stat.get()[0])) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * The start time in clock ticks since boot ({@code starttime}, field 22 of {@code /proc/<pid>/stat}):
     * exact and fixed for the life of a process, across {@code exec}. Empty without {@code /proc}.
     */
    static Optional<Long> startTicks(long pid) {
        Optional<String[]> stat = stat(pid);
        try {
            // field 22 overall; stat() returns the fields from 3 (state) on
            return stat.filter(f -> f.length > 19).map(f -> Long.parseLong(f[19]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The fields after {@code (comm)} in {@code /proc/<pid>/stat}: state, ppid, pgrp, session, … */
    private static Optional<String[]> stat(long pid) {
        try {
            String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            int close = s.lastIndexOf(')');
            return close < 0 ? Optional.empty() : Optional.of(s.substring(close + 1).strip().split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid", "/sbin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
