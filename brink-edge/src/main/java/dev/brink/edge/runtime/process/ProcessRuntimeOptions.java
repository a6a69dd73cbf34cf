package dev.brink.edge.runtime.process;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of the {@link ProcessModuleRuntime}. {@link #defaults()} is what the edge runtime uses;
 * tests shrink the bounds to exercise them quickly.
 *
 * @param logFileBytes      the size of one log file; a write that would pass it rotates first
 * @param logFiles          how many log files an instance keeps (the current one included)
 * @param maxPackageBytes   the largest package accepted (download or local file)
 * @param maxExtractedBytes the most an archive may expand to (zip-bomb guard)
 * @param connectTimeout    for http(s) package downloads
 * @param downloadTimeout   the whole http(s) response, headers to last byte
 * @param defaultGrace      SIGTERM→SIGKILL grace when no caller gave one: remove(), close(), replacing a
 *                          running instance in start()
 * @param leftoverGrace     SIGTERM→SIGKILL grace for processes a module left behind when it exited by itself
 */
public record ProcessRuntimeOptions(
        long logFileBytes,
        int logFiles,
        long maxPackageBytes,
        long maxExtractedBytes,
        Duration connectTimeout,
        Duration downloadTimeout,
        Duration defaultGrace,
        Duration leftoverGrace) {

    public ProcessRuntimeOptions {
        if (logFileBytes < 1024 || logFiles < 1 || maxPackageBytes < 1 || maxExtractedBytes < 1) {
            throw new IllegalArgumentException("log files must be >= 1 KiB (at least one), package limits >= 1");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        Objects.requireNonNull(defaultGrace, "defaultGrace");
        Objects.requireNonNull(leftoverGrace, "leftoverGrace");
    }

    /** 1 MiB × 3 log files, 512 MiB packages expanding to at most 2 GiB, 10 s grace. */
    public static ProcessRuntimeOptions defaults() {
        return new ProcessRuntimeOptions(1L << 20, 3, 512L << 20, 2L << 30,
                Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public ProcessRuntimeOptions withLogBounds(long fileBytes, int files) {
        return new ProcessRuntimeOptions(fileBytes, files, maxPackageBytes, maxExtractedBytes, connectTimeout,
                downloadTimeout, defaultGrace, leftoverGrace);
    }

    public ProcessRuntimeOptions withPackageLimits(long packageBytes, long extractedBytes) {
        return new ProcessRuntimeOptions(logFileBytes, logFiles, packageBytes, extractedBytes, connectTimeout,
                downloadTimeout, defaultGrace, leftoverGrace);
    }

    public ProcessRuntimeOptions withGraces(Duration defaultGrace, Duration leftoverGrace) {
        return new ProcessRuntimeOptions(logFileBytes, logFiles, maxPackageBytes, maxExtractedBytes, connectTimeout,
                downloadTimeout, defaultGrace, leftoverGrace);
    }
}
