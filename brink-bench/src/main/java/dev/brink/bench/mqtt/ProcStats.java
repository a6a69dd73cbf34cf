package dev.brink.bench.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Linux /proc readings of another process: RSS, and CPU time per thread (to see where a server spends it). */
final class ProcStats {
    /** USER_HZ: /proc reports CPU times in these ticks (100 on every Linux we run on). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** VmRSS in KiB, or -1 if the process is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** User+system CPU ticks of the whole process. */
    static long processTicks(long pid) {
        return ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** CPU ticks per thread, keyed by "tid name" (thread names are not unique). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> result = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                long t = ticks(task.resolve("stat"));
                if (t >= 0) {
                    result.put(task.getFileName() + " " + threadName(task), t);
                }
            }
        } catch (IOException e) {
            // the process is gone: nothing to report
        }
        return result;
    }

    /** The threads that used the most CPU between two samples, as "name: seconds" lines (busiest first). */
    static List<String> busiestThreads(Map<String, Long> before, Map<String, Long> after, double seconds, int top) {
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        after.forEach((k, v) -> deltas.add(Map.entry(k, v - before.getOrDefault(k, 0L))));
        deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Long> e : deltas.subList(0, Math.min(top, deltas.size()))) {
            double cpu = e.getValue() / TICKS_PER_SECOND;
            lines.add(String.format(java.util.Locale.ROOT, "%-40s %6.2f s CPU (%3.0f%% of one core)",
                    e.getKey().substring(e.getKey().indexOf(' ') + 1), cpu, 100 * cpu / seconds));
        }
        return lines;
    }

    static double ticksToSeconds(long ticks) {
        return ticks / TICKS_PER_SECOND;
    }

    private static String threadName(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            // fields after the parenthesised command name; utime and stime are fields 14 and 15
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
