package dev.brink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident set size from {@code /proc/<pid>/status} once a second and keeps the
 * maximum since the last {@link #resetMax()}. VmRSS includes pages of the memory-mapped database file
 * (RssFile), which the kernel can drop under pressure; RssAnon is what the process really owns.
 */
final class RssSampler implements AutoCloseable {
    private final long pid;
    private final ScheduledExecutorService timer;
    private final AtomicLong maxRssKib = new AtomicLong();

    RssSampler(long pid) {
        this.pid = pid;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler-" + pid);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    /** One reading of the process's memory, in KiB (zeros when the process is gone). */
    record Rss(long vmRssKib, long rssAnonKib, long rssFileKib) {
        double vmRssMib() {
            return vmRssKib / 1024.0;
        }

        double rssAnonMib() {
            return rssAnonKib / 1024.0;
        }

        double rssFileMib() {
            return rssFileKib / 1024.0;
        }
    }

    Rss now() {
        try {
            long rss = 0;
            long anon = 0;
            long file = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kib(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kib(line);
                }
            }
            return new Rss(rss, anon, file);
        } catch (IOException e) {
            return new Rss(0, 0, 0);
        }
    }

    /** The largest VmRSS seen since the last reset, in MiB (one more sample is taken first). */
    double maxMib() {
        sample();
        return maxRssKib.get() / 1024.0;
    }

    void resetMax() {
        maxRssKib.set(0);
        sample();
    }

    private void sample() {
        long rss = now().vmRssKib();
        maxRssKib.accumulateAndGet(rss, Math::max);
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
