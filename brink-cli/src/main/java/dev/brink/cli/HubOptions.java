package dev.brink.cli;

import dev.brink.client.service.HubServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a command finds the hub (shared by every hub command): {@code --hub-connection-string}, else the
 * environment variable {@value #ENV_CONNECTION_STRING}, else the data directory of a local hub started with
 * {@code brink hub start} (its service connection string and its CA certificate).
 */
public final class HubOptions {
    public static final String ENV_CONNECTION_STRING = "BRINK_HUB_CONNECTION_STRING";
    public static final String DEFAULT_DATA_DIR = ".brink/hub";

    @Option(names = "--hub-connection-string", paramLabel = "CS",
            defaultValue = "${env:" + ENV_CONNECTION_STRING + "}",
            description = "Service connection string (HostName=host[:port];SharedAccessKeyName=..;SharedAccessKey=..). "
                    + "Default: $" + ENV_CONNECTION_STRING + ", else the local hub in --data.")
    String connectionString;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = DEFAULT_DATA_DIR,
            description = "Data directory of a local hub to use when no connection string is given (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Trust this CA certificate (PEM) for the hub's TLS certificate.")
    Path caFile;

    /** Connects to the hub this command line points at. */
    HubServiceClient connect() {
        if (connectionString != null && !connectionString.isBlank()) {
            return HubServiceClient.create(connectionString.trim(), readableCa(caFile));
        }
        Path csFile = dataDir.resolve(HubFiles.SERVICE_CONNECTION_STRING);
        if (!Files.isRegularFile(csFile)) {
            throw new UsageException("no hub found: pass --hub-connection-string, set " + ENV_CONNECTION_STRING
                    + ", or start a local hub with 'brink hub start' (looked for " + csFile + ")");
        }
        String cs = HubFiles.read(csFile).trim();
        Path ca = caFile != null ? caFile : dataDir.resolve(HubFiles.CA_CERTIFICATE);
        return HubServiceClient.create(cs, readableCa(caFile != null || Files.isRegularFile(ca) ? ca : null));
    }

    private static Path readableCa(Path ca) {
        if (ca != null && !Files.isReadable(ca)) {
            throw new UsageException("cannot read CA certificate file " + ca);
        }
        return ca;
    }
}
