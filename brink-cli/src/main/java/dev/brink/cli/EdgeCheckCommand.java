package dev.brink.cli;

import dev.brink.core.error.BrinkException;
import dev.brink.core.error.ErrorCode;
import dev.brink.edge.EdgeConfig;
import dev.brink.edge.management.CheckResult;
import dev.brink.edge.management.CheckResult.Status;
import dev.brink.edge.management.EdgeChecks;
import dev.brink.edge.management.ManagementClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code brink edge check}: is this edge device healthy? With {@code --config} the config must parse. The
 * running runtime is then asked ({@code GET /check}: it checks with its own privileges and state); when it is
 * not running and a config is given, the same checks run here instead, so a setup can be verified before the
 * first start. Exit 1 when any check fails; warnings do not fail.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the config, the hub connection, the clock, certificates, the module runtime and disk space.")
final class EdgeCheckCommand implements Callable<Integer> {
    @Mixin
    EdgeSocketOptions edge;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<CheckResult> results = new ArrayList<>();
        EdgeConfig config = null;
        Path socket = edge.socketInDataDir();
        if (edge.hasConfig()) {
            try {
                config = edge.loadConfig();
                socket = config.managementSocket().toAbsolutePath();
                results.add(CheckResult.ok("config", "config parses", edge.config.toAbsolutePath().toString()));
            } catch (BrinkException e) {
                results.add(CheckResult.fail("config", "config parses", e.getMessage()));
                return print(results);
            }
        }
        try (ManagementClient client = new ManagementClient(socket)) {
            results.addAll(CheckResult.listFromReport(client.check()));
        } catch (BrinkException e) {
            if (e.errorCode() != ErrorCode.ServiceUnavailable || config == null) {
                results.add(CheckResult.fail("edge-runtime", "edge runtime running", e.getMessage()));
            } else {
                results.add(CheckResult.warn("edge-runtime", "edge runtime running", "not running (nothing listens on "
                        + socket + "); the checks below ran in this command instead"));
                results.addAll(new EdgeChecks(config, Clock.systemUTC(), null).run());
            }
        }
        return print(results);
    }

    private int print(List<CheckResult> results) {
        PrintWriter out = spec.commandLine().getOut();
        boolean failed = results.stream().anyMatch(r -> r.status() == Status.FAIL);
        if (output.json()) {
            OutputOptions.printJson(out, CheckResult.report(results));
        } else {
            for (CheckResult r : results) {
                String mark = switch (r.status()) {
                    case OK -> "✓";
                    case WARN -> "⚠";
                    case FAIL -> "✗";
                };
                out.println(mark + " " + r.title() + (r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail()));
            }
            long warnings = results.stream().filter(r -> r.status() == Status.WARN).count();
            long failures = results.stream().filter(r -> r.status() == Status.FAIL).count();
            out.println();
            out.println(results.size() + " checks: " + (results.size() - warnings - failures) + " ok, " + warnings
                    + " warning(s), " + failures + " failed");
            out.flush();
        }
        return failed ? BrinkMain.EXIT_HUB_ERROR : BrinkMain.EXIT_OK;
    }
}
