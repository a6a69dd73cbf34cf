package dev.brink.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Formats the twin benchmark's results as the markdown tables that go into docs/benchmarks.md. */
final class TwinScaleReport {
    /** The two goals of issue 2 at 1,000,000 twins. */
    static final double GOAL_PATCH_PER_SECOND = 2000;
    static final double GOAL_GET_P99_MS = 5;

    private TwinScaleReport() {
    }

    /** The baseline: the same GET and PATCH-shaped loops against a fixed-response HTTPS server. */
    record Baseline(LoadDriver.Result get, LoadDriver.Result patch) {
    }

    static String markdown(List<ScaleResult> scales, Baseline baseline, String header) {
        StringBuilder md = new StringBuilder(header);
        md.append("| metric |");
        scales.forEach(s -> md.append(' ').append(label(s.twins())).append(" |"));
        if (scales.size() > 1) {
            md.append(" growth ").append(label(last(scales).twins())).append(" / ").append(label(scales.get(0).twins()))
                    .append(" |");
        }
        md.append('\n').append("|---|").append("---:|".repeat(scales.size() + (scales.size() > 1 ? 1 : 0))).append('\n');
        row(md, scales, "module twins in the store", "%,.0f", s -> s.twins());
        row(md, scales, "module twins added in this step", "%,.0f", s -> s.added());
        row(md, scales, "create: module twins/s (device + module PUTs)", "%,.0f", ScaleResult::identityTwinsPerSecond);
        row(md, scales, "create: identity PUT requests/s", "%,.0f", ScaleResult::identityRequestsPerSecond);
        row(md, scales, "create: tag PATCHes/s", "%,.0f", s -> s.tags().perSecond());
        row(md, scales, "create: twins created + tagged/s (both loops)", "%,.0f", ScaleResult::createdAndTaggedPerSecond);
        row(md, scales, "create: wall time of the step, s", "%,.0f", s -> s.identities().seconds() + s.tags().seconds());
        row(md, scales, "GET p50, ms (8 in flight)", "%.2f", s -> s.get().latency().p50());
        row(md, scales, "GET p90, ms", "%.2f", s -> s.get().latency().p90());
        row(md, scales, "GET p99, ms", "%.2f", s -> s.get().latency().p99());
        row(md, scales, "GET max, ms", "%.1f", s -> s.get().latency().max());
        row(md, scales, "GET throughput, req/s", "%,.0f", s -> s.get().perSecond());
        row(md, scales, "PATCH desired, req/s (64 in flight)", "%,.0f", s -> s.patch().perSecond());
        row(md, scales, "PATCH p50, ms", "%.2f", s -> s.patch().latency().p50());
        row(md, scales, "PATCH p99, ms", "%.2f", s -> s.patch().latency().p99());
        row(md, scales, "`SELECT *` … `tags.site = 's42'`: rows", "%,.0f", s -> s.select().rows());
        row(md, scales, "`SELECT *` … `tags.site = 's42'`: pages of ≤1000", "%,.0f", s -> s.select().pages());
        row(md, scales, "`SELECT *` … `tags.site = 's42'`: median ms", "%,.0f", s -> s.select().medianMs());
        row(md, scales, "`SELECT COUNT()` … `tags.site = 's42'`: median ms", "%,.0f", s -> s.count().medianMs());
        row(md, scales, "data dir, MiB (total)", "%,.0f", ScaleResult::dataMib);
        row(md, scales, "  of which hub.db, MiB", "%,.0f", s -> s.dbBytes() / 1048576.0);
        row(md, scales, "  of which -wal/-shm, MiB", "%,.0f", s -> s.walBytes() / 1048576.0);
        row(md, scales, "data dir bytes per module twin", "%,.0f", s -> (s.dbBytes() + s.walBytes()) / (double) s.twins());
        row(md, scales, "hub RSS max during the step, MiB", "%,.0f", ScaleResult::rssMaxMib);
        row(md, scales, "hub RSS after the step, MiB", "%,.0f", s -> s.rssEnd().vmRssMib());
        row(md, scales, "  of which anonymous (heap etc.), MiB", "%,.0f", s -> s.rssEnd().rssAnonMib());
        row(md, scales, "  of which file-backed (mmap'd db), MiB", "%,.0f", s -> s.rssEnd().rssFileMib());
        row(md, scales, "machine 1-min load average at start of step", "%.1f", ScaleResult::loadStart);
        row(md, scales, "machine 1-min load average at end of step", "%.1f", ScaleResult::loadEnd);
        md.append('\n');
        failures(md, scales);
        baseline(md, scales, baseline);
        goals(md, scales);
        return md.toString();
    }

    private static void row(StringBuilder md, List<ScaleResult> scales, String name, String format,
            ToDoubleFunction<ScaleResult> value) {
        md.append("| ").append(name).append(" |");
        for (ScaleResult s : scales) {
            md.append(' ').append(String.format(Locale.ROOT, format, value.applyAsDouble(s))).append(" |");
        }
        if (scales.size() > 1) {
            double first = value.applyAsDouble(scales.get(0));
            double lastValue = value.applyAsDouble(last(scales));
            md.append(first == 0 ? " – |" : String.format(Locale.ROOT, " ×%.2f |", lastValue / first));
        }
        md.append('\n');
    }

    private static void failures(StringBuilder md, List<ScaleResult> scales) {
        for (ScaleResult s : scales) {
            for (LoadDriver.Result r : List.of(s.identities(), s.tags(), s.get(), s.patch())) {
                if (r.failures() > 0) {
                    md.append(String.format(Locale.ROOT, "- %s at %s: %d failed requests, first: %s%n", r.name(),
                            label(s.twins()), r.failures(), r.firstError()));
                }
            }
        }
    }

    private static void baseline(StringBuilder md, List<ScaleResult> scales, Baseline baseline) {
        if (baseline == null) {
            return;
        }
        md.append("\nBaseline: the same loops against a Vert.x HTTPS server in its own JVM that answers every request "
                + "with a fixed 1 KB JSON (same certificate, TLS versions and client).\n\n");
        md.append("| loop | baseline |");
        scales.forEach(s -> md.append(" hub ").append(label(s.twins())).append(" |"));
        scales.forEach(s -> md.append(" hub ").append(label(s.twins())).append(" / baseline |"));
        md.append('\n').append("|---|---:|").append("---:|".repeat(2 * scales.size())).append('\n');
        compare(md, scales, "GET p50, ms", "%.2f", baseline.get().latency().p50(), s -> s.get().latency().p50());
        compare(md, scales, "GET p99, ms", "%.2f", baseline.get().latency().p99(), s -> s.get().latency().p99());
        compare(md, scales, "GET req/s (8 in flight)", "%,.0f", baseline.get().perSecond(), s -> s.get().perSecond());
        compare(md, scales, "PATCH p50, ms", "%.2f", baseline.patch().latency().p50(), s -> s.patch().latency().p50());
        compare(md, scales, "PATCH p99, ms", "%.2f", baseline.patch().latency().p99(), s -> s.patch().latency().p99());
        compare(md, scales, "PATCH req/s (64 in flight)", "%,.0f", baseline.patch().perSecond(),
                s -> s.patch().perSecond());
        md.append('\n');
    }

    private static void compare(StringBuilder md, List<ScaleResult> scales, String name, String format, double base,
            ToDoubleFunction<ScaleResult> value) {
        md.append("| ").append(name).append(" | ").append(String.format(Locale.ROOT, format, base)).append(" |");
        scales.forEach(s -> md.append(' ').append(String.format(Locale.ROOT, format, value.applyAsDouble(s))).append(" |"));
        scales.forEach(s -> md.append(String.format(Locale.ROOT, " ×%.2f |", value.applyAsDouble(s) / base)));
        md.append('\n');
    }

    private static void goals(StringBuilder md, List<ScaleResult> scales) {
        ScaleResult top = last(scales);
        boolean patchMet = top.patch().perSecond() >= GOAL_PATCH_PER_SECOND;
        boolean getMet = top.get().latency().p99() < GOAL_GET_P99_MS;
        md.append(String.format(Locale.ROOT, "Goals at %s twins: PATCH ≥ %,.0f/s: %s (%,.0f/s); GET p99 < %.0f ms: %s (%.2f ms).%n",
                label(top.twins()), GOAL_PATCH_PER_SECOND, patchMet ? "met" : "NOT met", top.patch().perSecond(),
                GOAL_GET_P99_MS, getMet ? "met" : "NOT met", top.get().latency().p99()));
        if (top.twins() < 1_000_000) {
            md.append("(The goals are stated for 1,000,000 twins; this run stopped at ").append(label(top.twins()))
                    .append(".)\n");
        }
    }

    static String label(int twins) {
        if (twins >= 1_000_000 && twins % 1_000_000 == 0) {
            return (twins / 1_000_000) + "M";
        }
        if (twins >= 1000 && twins % 1000 == 0) {
            return (twins / 1000) + "k";
        }
        return Integer.toString(twins);
    }

    private static ScaleResult last(List<ScaleResult> scales) {
        return scales.get(scales.size() - 1);
    }
}
