package dev.brink.cli;

import dev.brink.client.service.CaCertificateFetcher;
import dev.brink.client.service.ServiceEndpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brink hub ca}: prints the hub's CA certificate (PEM), so clients can trust the hub. From the local
 * data directory by default; from the hub's unauthenticated {@code GET /ca} when {@code --server} or a
 * connection string is given (trust on first use: the certificate must have signed the server's TLS
 * certificate, and its SHA-256 fingerprint is printed on stderr to compare).
 */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Print the hub's CA certificate (PEM) so that clients can trust the hub.")
final class CaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST[:PORT]",
            description = "Fetch it from this hub's HTTPS endpoint (GET /ca) instead of the local data directory.")
    String server;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the PEM to FILE instead of stdout.")
    Path outFile;

    @Mixin
    HubOptions hub;

    @Override
    public Integer call() {
        String pem;
        String from = server;
        if (from == null && hub.connectionString != null && !hub.connectionString.isBlank()) {
            from = ServiceEndpoint.parse(hub.connectionString.trim()).hostAndPort();
        }
        if (from != null) {
            CaCertificateFetcher.Result fetched = CaCertificateFetcher.fetch(from, Duration.ofSeconds(10));
            pem = fetched.pem();
            spec.commandLine().getErr().println("CA certificate of https://" + from + " (trusted on first use), SHA-256 "
                    + fetched.sha256Fingerprint());
            spec.commandLine().getErr().flush();
        } else {
            Path file = hub.dataDir.resolve(HubFiles.CA_CERTIFICATE);
            if (!Files.isRegularFile(file)) {
                throw new UsageException("no local hub CA at " + file + ": pass --data DIR of a hub, --server HOST:PORT "
                        + "or --hub-connection-string");
            }
            pem = HubFiles.read(file);
        }
        if (outFile != null) {
            try {
                Files.writeString(outFile, pem, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outFile, e);
            }
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(pem.endsWith("\n") ? pem : pem + "\n");
            out.flush();
        }
        return 0;
    }
}
