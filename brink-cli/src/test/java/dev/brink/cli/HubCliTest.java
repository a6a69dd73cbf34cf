package dev.brink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.core.json.Json;
import dev.brink.core.sas.ConnectionString;
import dev.brink.hub.HubConfig;
import dev.brink.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hub commands against a real hub on loopback, found through its data directory. */
@Timeout(120)
class HubCliTest {
    @TempDir
    static Path dataDir;

    private static HubServer hub;

    @BeforeAll
    static void startHub() {
        hub = HubServer.start(HubConfig.builder().dataDir(dataDir).httpsPort(0).mqttPort(0).build());
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private static Cli.Result brink(String... args) {
        return Cli.run(Cli.with(new String[] {"--data", dataDir.toString()}, args));
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = brink(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static JsonNode json(String... args) {
        return Json.parse(ok(Cli.with(new String[] {"-o", "json"}, args)).out());
    }

    @Test
    void deviceCreateListShowDeleteInHumanOutput() {
        Cli.Result created = ok("hub", "device", "create", "human-1");
        assertThat(created.out()).contains("Device ID:").contains("human-1").containsPattern("Status:\\s+enabled")
                .containsPattern("Edge:\\s+no").containsPattern("Primary key:\\s+\\S{20,}");

        Cli.Result list = ok("hub", "device", "list");
        assertThat(list.out().lines().findFirst()).hasValueSatisfying(
                header -> assertThat(header).matches("ID\\s+STATUS\\s+EDGE\\s+PARENT\\s+CONNECTION\\s+LAST ACTIVITY"));
        assertThat(list.out()).containsPattern("(?m)^human-1\\s+enabled\\s+no\\s+-\\s+Disconnected\\s+never$");

        assertThat(ok("hub", "device", "show", "human-1").out()).containsPattern("Connection:\\s+Disconnected")
                .containsPattern("Modules:\\s+\\(none\\)");

        assertThat(ok("hub", "device", "delete", "human-1").out()).isEqualTo("Deleted device human-1\n");
        assertThat(brink("hub", "device", "show", "human-1").exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
    }

    @Test
    void deviceCommandsInJsonOutput() {
        JsonNode created = json("hub", "device", "create", "json-1", "--status", "disabled",
                "--primary-key", "cHJpbWFyeXByaW1hcnlwcmltYXJ5cHJpbWFyeTAwMDA=",
                "--secondary-key", "c2Vjb25kYXJ5c2Vjb25kYXJ5c2Vjb25kYXJ5MDAwMDA=");
        assertThat(created.path("deviceId").asText()).isEqualTo("json-1");
        assertThat(created.path("status").asText()).isEqualTo("disabled");

        JsonNode shown = json("hub", "device", "show", "json-1");
        assertThat(shown.at("/authentication/symmetricKey/primaryKey").asText())
                .isEqualTo("cHJpbWFyeXByaW1hcnlwcmltYXJ5cHJpbWFyeTAwMDA=");
        assertThat(shown.at("/authentication/symmetricKey/secondaryKey").asText())
                .isEqualTo("c2Vjb25kYXJ5c2Vjb25kYXJ5c2Vjb25kYXJ5MDAwMDA=");

        List<String> ids = new ArrayList<>();
        json("hub", "device", "list").forEach(d -> ids.add(d.path("deviceId").asText()));
        assertThat(ids).contains("json-1");

        Cli.Result deleted = ok("hub", "device", "delete", "json-1", "-o", "json");
        assertThat(deleted.out()).isEmpty();
    }

    @Test
    void edgeDeviceGetsEdgeAgentAndEdgeHubModules() {
        Cli.Result created = ok("hub", "device", "create", "edge-1", "--edge");
        assertThat(created.out()).containsPattern("Edge:\\s+yes").containsPattern("Modules:\\s+\\$edgeAgent, \\$edgeHub");

        List<String> modules = new ArrayList<>();
        json("hub", "module", "list", "edge-1").forEach(m -> modules.add(m.path("moduleId").asText()));
        assertThat(modules).containsExactlyInAnyOrder("$edgeAgent", "$edgeHub");
        assertThat(ok("hub", "device", "list").out()).containsPattern("(?m)^edge-1\\s+enabled\\s+yes\\s");
    }

    @Test
    void childDeviceCreatedWithParentIsInTheEdgeScope() {
        JsonNode edge = json("hub", "device", "create", "parent-edge", "--edge");
        Cli.Result child = ok("hub", "device", "create", "child-1", "--parent", "parent-edge");
        assertThat(child.out()).containsPattern("Parent:\\s+parent-edge");
        JsonNode shown = json("hub", "device", "show", "child-1");
        assertThat(shown.path("parentScopes").get(0).asText()).isEqualTo(edge.path("deviceScope").asText());
        assertThat(ok("hub", "device", "list").out()).containsPattern("(?m)^child-1\\s+enabled\\s+no\\s+parent-edge\\s");
        assertThat(ok("hub", "device", "show", "parent-edge").out()).containsPattern("Parent:\\s+\\(none\\)");

        Cli.Result unknown = brink("hub", "device", "create", "child-2", "--parent", "no-such-edge");
        assertThat(unknown.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(unknown.err()).contains("parent edge device no-such-edge not found");
        ok("hub", "device", "create", "plain-leaf");
        Cli.Result notEdge = brink("hub", "device", "create", "child-3", "--parent", "plain-leaf");
        assertThat(notEdge.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(notEdge.err()).contains("not an edge device");
        assertThat(brink("hub", "device", "show", "child-3").exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
    }

    @Test
    void moduleCreateListShowDelete() {
        ok("hub", "device", "create", "mod-dev");
        Cli.Result created = ok("hub", "module", "create", "mod-dev", "filter");
        assertThat(created.out()).containsPattern("Module ID:\\s+filter").containsPattern("Device ID:\\s+mod-dev");

        Cli.Result list = ok("hub", "module", "list", "mod-dev");
        assertThat(list.out()).startsWith("MODULE").containsPattern("(?m)^filter\\s+-\\s+Disconnected\\s+never$");

        assertThat(json("hub", "module", "show", "mod-dev", "filter").path("moduleId").asText()).isEqualTo("filter");

        Cli.Result duplicate = brink("hub", "module", "create", "mod-dev", "filter");
        assertThat(duplicate.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(duplicate.err()).endsWith("(409301)\n");

        assertThat(ok("hub", "module", "delete", "mod-dev", "filter").out())
                .isEqualTo("Deleted module filter of device mod-dev\n");
        assertThat(json("hub", "module", "list", "mod-dev").size()).isZero();
    }

    @Test
    void twinUpdateWithInlineJsonAndFileThenShow(@TempDir Path tmp) throws Exception {
        ok("hub", "device", "create", "twin-1");
        Cli.Result inline = ok("hub", "twin", "update", "twin-1", "--desired", "{\"interval\":5,\"mode\":\"fast\"}",
                "--tags", "{\"site\":\"north\"}");
        assertThat(inline.out()).startsWith("Updated twin of device twin-1 (desired $version 2");

        Path file = tmp.resolve("desired.json");
        Files.writeString(file, "{\"mode\":null,\"threshold\":{\"max\":30}}");
        ok("hub", "twin", "update", "twin-1", "--desired", "@" + file);

        JsonNode twin = Json.parse(ok("hub", "twin", "show", "twin-1").out());
        JsonNode desired = twin.at("/properties/desired");
        assertThat(desired.path("interval").asInt()).isEqualTo(5);
        assertThat(desired.has("mode")).isFalse();
        assertThat(desired.at("/threshold/max").asInt()).isEqualTo(30);
        assertThat(twin.at("/tags/site").asText()).isEqualTo("north");

        Cli.Result stale = brink("hub", "twin", "update", "twin-1", "--tags", "{\"x\":1}", "--etag", "bm90LXRoZS1ldGFn");
        assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(stale.err()).startsWith("error: ").endsWith("(412001)\n");

        JsonNode updated = json("hub", "twin", "update", "twin-1", "--tags", "{\"x\":1}", "--etag", twin.path("etag").asText());
        assertThat(updated.at("/tags/x").asInt()).isEqualTo(1);
    }

    @Test
    void moduleTwinUpdateAndShow() {
        ok("hub", "device", "create", "mtwin-1");
        ok("hub", "module", "create", "mtwin-1", "sensor");
        ok("hub", "twin", "update", "mtwin-1", "--module", "sensor", "--desired", "{\"rate\":2}");
        JsonNode twin = json("hub", "twin", "show", "mtwin-1", "-m", "sensor");
        assertThat(twin.path("moduleId").asText()).isEqualTo("sensor");
        assertThat(twin.at("/properties/desired/rate").asInt()).isEqualTo(2);
    }

    @Test
    void queryFollowsContinuationAcrossPages() {
        for (String id : List.of("q-1", "q-2", "q-3")) {
            ok("hub", "device", "create", id);
            ok("hub", "twin", "update", id, "--tags", "{\"fleet\":\"query-test\"}");
        }
        String query = "SELECT * FROM devices WHERE tags.fleet = 'query-test'";
        JsonNode rows = json("hub", "query", query, "--page-size", "1");
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.path("deviceId").asText()));
        assertThat(ids).containsExactlyInAnyOrder("q-1", "q-2", "q-3");

        Cli.Result table = ok("hub", "query", query);
        assertThat(table.out()).startsWith("DEVICE").contains("{\"fleet\":\"query-test\"}").endsWith("3 twins\n");

        Cli.Result count = ok("hub", "query", "SELECT COUNT() AS n FROM devices WHERE tags.fleet = 'query-test'");
        assertThat(count.out()).isEqualTo("{\"n\":3}\n1 row\n");

        assertThat(brink("hub", "query", query, "--page-size", "0").exitCode()).isEqualTo(BrinkMain.EXIT_USAGE);
    }

    @Test
    void connectionStringsOfDeviceAndModule() {
        JsonNode device = json("hub", "device", "create", "cs-1");
        JsonNode module = json("hub", "module", "create", "cs-1", "m1");
        String host = hub.hostName();

        String deviceCs = ok("hub", "connection-string", "cs-1").out().trim();
        assertThat(deviceCs).isEqualTo("HostName=" + host + ";DeviceId=cs-1;SharedAccessKey="
                + device.at("/authentication/symmetricKey/primaryKey").asText());
        assertThat(ConnectionString.parse(deviceCs).deviceId()).isEqualTo("cs-1");

        String moduleCs = ok("hub", "connection-string", "cs-1", "--module", "m1").out().trim();
        assertThat(moduleCs).isEqualTo("HostName=" + host + ";DeviceId=cs-1;ModuleId=m1;SharedAccessKey="
                + module.at("/authentication/symmetricKey/primaryKey").asText());

        assertThat(json("hub", "connection-string", "cs-1").path("connectionString").asText()).isEqualTo(deviceCs);
    }

    @Test
    void missingDeviceExitsOneWithTheHubMessage() {
        Cli.Result r = brink("hub", "device", "show", "no-such-device");
        assertThat(r.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).matches("error: .*no-such-device.* \\(404001\\)\n");

        Cli.Result twin = brink("hub", "twin", "show", "no-such-device");
        assertThat(twin.err()).endsWith("(404001)\n");
        Cli.Result module = brink("hub", "module", "show", "no-such-device", "x");
        assertThat(module.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
    }

    @Test
    void explicitConnectionStringAndCaFile(@TempDir Path empty) {
        String cs = hub.serviceConnectionString();
        Cli.Result r = Cli.run("hub", "device", "list", "--hub-connection-string", cs,
                "--ca-file", hub.caCertificatePath().toString(), "--data", empty.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();

        // Without the hub's CA the JVM's default trust store does not trust the hub: a connection error.
        Cli.Result untrusted = Cli.run("hub", "device", "list", "--hub-connection-string", cs);
        assertThat(untrusted.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(untrusted.err()).startsWith("error: TLS handshake with the hub");

        Cli.Result wrongKey = Cli.run("hub", "device", "list", "--ca-file", hub.caCertificatePath().toString(),
                "--hub-connection-string", cs.replaceAll("SharedAccessKey=[^;]+",
                        "SharedAccessKey=d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZ3dyb25nMDA="));
        assertThat(wrongKey.exitCode()).isEqualTo(BrinkMain.EXIT_HUB_ERROR);
        assertThat(wrongKey.err()).startsWith("error: ").contains("(401");
    }

    @Test
    void noHubInTheDataDirectoryIsAUsageError(@TempDir Path empty) {
        Cli.Result r = Cli.run("hub", "device", "list", "--data", empty.toString());
        assertThat(r.exitCode()).isEqualTo(BrinkMain.EXIT_USAGE);
        assertThat(r.err()).startsWith("error: no hub found").contains("brink hub start");
    }
}
