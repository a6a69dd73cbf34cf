package dev.brink.cli;

import dev.brink.hub.HubServer;
import dev.brink.hub.security.HubCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files a local hub leaves in its data directory for tools, relative to the data directory. */
final class HubFiles {
    static final String SERVICE_CONNECTION_STRING = HubServer.CONNECTION_STRING_FILE;
    static final String CA_CERTIFICATE = HubServer.CERTS_DIR + "/" + HubCertificates.CA_CERT;

    private HubFiles() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
