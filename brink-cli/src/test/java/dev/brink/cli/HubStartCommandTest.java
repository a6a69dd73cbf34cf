package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code brink hub start} runs a hub that the other commands then find through the data directory. */
class HubStartCommandTest {
    @Test
    @Timeout(120)
    void startPrintsWhereTheHubIsAndStopsWhenInterrupted(@TempDir Path dataDir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BrinkMain.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread hubThread = new Thread(() -> exit.set(cli.execute("hub", "start", "--data", dataDir.toString(),
                "--https-port", "0", "--mqtt-port", "0", "--san-dns", "brink.test")), "test-hub");
        hubThread.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> out.toString().contains("Hub listening on"));
            String printed = out.toString();
            assertThat(printed).containsPattern("Service connection string: HostName=127\\.0\\.0\\.1:\\d+;"
                    + "SharedAccessKeyName=iothubowner;SharedAccessKey=\\S+")
                    .contains("CA certificate: " + dataDir.resolve("certs/ca.pem").toAbsolutePath())
                    .containsPattern("Hub listening on https://127\\.0\\.0\\.1:\\d+");
            assertThat(Files.readString(dataDir.resolve("service-connection-string"))).contains("iothubowner");

            Cli.Result list = Cli.run("hub", "device", "list", "--data", dataDir.toString());
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).startsWith("ID");
        } finally {
            hubThread.interrupt();
            hubThread.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(hubThread.isAlive()).isFalse();
        assertThat(exit.get()).as(err.toString()).isZero();
    }
}
