package dev.brink.hub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.json.Json;
import dev.brink.core.sas.ConnectionString;
import dev.brink.hub.HubServer;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The frame as assembled by HubServer (with the real ServiceApi mounted), through TestHub. */
class RestFrameHubTest {

    @Test
    void hubStartsWritesItsSecretsOwnerOnlyAndStopsCleanly() throws Exception {
        Path dataDir;
        String connectionString;
        try (TestHub hub = TestHub.start()) {
            HubServer server = hub.hub();
            dataDir = server.dataDir();
            assertThat(server.state()).isEqualTo(HubServer.State.RUNNING);
            assertThat(server.httpsPort()).isPositive();
            connectionString = server.serviceConnectionString();
            ConnectionString cs = ConnectionString.parse(connectionString);
            assertThat(cs.hostName()).isEqualTo("127.0.0.1:" + server.httpsPort());
            assertThat(cs.sharedAccessKeyName()).isEqualTo("iothubowner");
            assertThat(Files.readString(server.serviceConnectionStringPath()).trim()).isEqualTo(connectionString);
            for (String secret : new String[] {HubServer.CONNECTION_STRING_FILE, HubServer.POLICIES_FILE,
                    "certs/ca.key", "certs/server.key"}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(secret))))
                        .as(secret).isEqualTo("rw-------");
            }

            HttpResponse<String> unknown = hub.send("GET", "/no/such/route", null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(Json.parse(Json.parse(unknown.body()).get("Message").asText()).get("errorCode").asInt())
                    .isEqualTo(404000);
            HttpResponse<String> anonymous = hub.send("GET", "/statistics/devices", null, "Authorization", "");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(RestErrors.humanMessage(anonymous.body())).contains("Authorization header is missing");

            server.close();
            assertThat(server.state()).isEqualTo(HubServer.State.STOPPED);
        }
    }

    @Test
    void restartOnTheSameDataDirKeepsCaAndKeys() throws Exception {
        try (TestHub first = TestHub.start()) {
            Path data = first.hub().dataDir();
            String ca = first.hub().caCertificatePem();
            String key = ConnectionString.parse(first.hub().serviceConnectionString()).sharedAccessKey();
            first.hub().close();
            HubServer second = HubServer.start(first.hub().config());
            try {
                assertThat(second.caCertificatePem()).isEqualTo(ca);
                assertThat(ConnectionString.parse(second.serviceConnectionString()).sharedAccessKey()).isEqualTo(key);
                assertThat(second.dataDir()).isEqualTo(data);
            } finally {
                second.close();
            }
        }
    }
}
