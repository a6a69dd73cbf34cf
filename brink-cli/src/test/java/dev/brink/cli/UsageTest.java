package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Command-line mistakes exit 2 without touching any hub; help and version exit 0. */
class UsageTest {
    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: brink").contains("hub");

        Cli.Result hubHelp = Cli.run("hub", "--help");
        assertThat(hubHelp.out()).contains("start", "device", "module", "twin", "query", "connection-string");

        Cli.Result version = Cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("brink ");
    }

    @Test
    void usageErrorsExitTwo() {
        assertUsageError(Cli.run(), "a command is required");
        assertUsageError(Cli.run("hub"), "a hub command is required");
        assertUsageError(Cli.run("hub", "device", "creat", "x"), "Unmatched argument");
        assertUsageError(Cli.run("hub", "device", "create"), "Missing required parameter");
        assertUsageError(Cli.run("hub", "device", "create", "d", "--primary-key", "a2V5"), "--secondary-key");
        assertUsageError(Cli.run("hub", "device", "create", "d", "--status", "sleeping"), "--status");
        assertUsageError(Cli.run("hub", "device", "list", "-o", "xml"), "--output");
        assertUsageError(Cli.run("hub", "twin", "update", "d", "--desired", "{not json"), "Invalid JSON");
        assertUsageError(Cli.run("hub", "twin", "update", "d", "--desired", "[1]"), "JSON object");
        assertUsageError(Cli.run("hub", "twin", "update", "d", "--desired", "@/no/such/file.json"), "cannot read");
    }

    @Test
    void twinUpdateNeedsSomethingToUpdate() {
        Cli.Result r = Cli.run("hub", "twin", "update", "d", "--data", "/nonexistent");
        assertUsageError(r, "nothing to update");
    }

    private static void assertUsageError(Cli.Result r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r.err()).as(r.toString()).startsWith("error: ").contains(message).contains("--help");
        assertThat(r.out()).isEmpty();
    }
}
