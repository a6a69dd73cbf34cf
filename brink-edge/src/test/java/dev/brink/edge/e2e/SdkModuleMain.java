package dev.brink.edge.e2e;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.brink.edge.workload.OfficialSdkModuleMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A module process started by the edge runtime (process module package): the official Java SDK 2.5.0's
 * {@code ModuleClient.createFromEnvironment(channel, MQTT)} with the IOTEDGE_* environment and the unix workload
 * URI the agent gives, connected to the edge hub. It writes what happens as lines to
 * {@code $OUT_DIR/$IOTEDGE_MODULEID.out} (the test reads that file), then runs until the runtime stops it.
 *
 * <p>Env {@code ROLE} = {@code sender}: subscribes to methods and desired patches, prints {@code READY}, gets its
 * twin, patches reported, sends to output {@code out1} (routed to the receiver's input) and to output {@code up}
 * (routed to {@code $upstream}). {@code receiver}: prints every message of input {@code in1} with its properties.
 */
public final class SdkModuleMain {
    private static Path outFile;

    private SdkModuleMain() {
    }

    public static void main(String[] args) {
        outFile = Path.of(System.getenv("OUT_DIR"), System.getenv("IOTEDGE_MODULEID") + ".out");
        try {
            String role = System.getenv("ROLE");
            ModuleClient client = ModuleClient.createFromEnvironment(new OfficialSdkModuleMain.JdkUnixChannel(),
                    IotHubClientProtocol.MQTT);
            if (role.equals("receiver")) {
                // Set before open: the SDK subscribes to the module's inputs when it opens.
                client.setMessageCallback("in1", (message, ctx) -> {
                    line("INPUT in1 " + describe(message));
                    return IotHubMessageResult.COMPLETE;
                }, null);
            }
            open(client);
            line("CONNECTED");
            if (role.equals("sender")) {
                sender(client);
            }
            Thread.sleep(Long.MAX_VALUE);
        } catch (Throwable t) {
            line("FAILED " + t);
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void sender(ModuleClient client) throws Exception {
        client.subscribeToMethods((name, payload, ctx) -> {
            line("METHOD " + name + " " + payload.getPayloadAsJsonString());
            return new DirectMethodResponse(200, Map.of("answeredBy", "sdk-module", "method", name,
                    "echo", payload.getPayloadAsJsonElement()));
        }, null);
        client.subscribeToDesiredProperties((twin, ctx) -> line("DESIRED " + twin.getDesiredProperties().getVersion()
                + " " + new TreeMap<>(twin.getDesiredProperties())), null);
        line("READY");
        Twin twin = SdkTwin.get(client);
        line("TWIN desiredVersion=" + twin.getDesiredProperties().getVersion());
        TwinCollection reported = new TwinCollection();
        reported.put("sdk", "reported-by-sdk");
        line("REPORTED version=" + SdkTwin.updateReported(client, reported));
        Message toB = new Message("{\"temp\":21}".getBytes(StandardCharsets.UTF_8));
        toB.setMessageId("m-out1");
        toB.setContentType("application/json");
        toB.setProperty("color", "red and blue");
        client.sendEvent(toB, "out1"); // returns after the edge hub's PUBACK (= stored durably)
        line("SENT out1");
        Message up = new Message("{\"up\":1}".getBytes(StandardCharsets.UTF_8));
        up.setMessageId("m-up");
        up.setProperty("kind", "telemetry");
        client.sendEvent(up, "up");
        line("SENT up");
    }

    /** The edge hub may not know the module yet (its scope cache refreshes on demand): retry for a while. */
    private static void open(ModuleClient client) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                client.open(false);
                return;
            } catch (Exception e) {
                line("OPEN attempt " + attempt + " failed: " + e);
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static String describe(Message m) {
        StringBuilder sb = new StringBuilder("body=").append(new String(m.getBytes(), StandardCharsets.UTF_8))
                .append(" messageId=").append(m.getMessageId())
                .append(" connectionModuleId=").append(m.getConnectionModuleId());
        for (MessageProperty p : m.getProperties()) {
            sb.append(" prop.").append(p.getName()).append('=').append(p.getValue().replace(' ', '_'));
        }
        return sb.toString();
    }

    private static synchronized void line(String text) {
        try {
            Files.writeString(outFile, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
