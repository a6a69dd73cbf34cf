package dev.brink.hub.clientcompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.brink.hub.registry.Identity;
import dev.brink.hub.testing.TestHub;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Azure IoT Java device SDK 2.5.0 receives a C2D message sent through Brink's REST route, with
 * its message id, correlation id and application properties. The SDK always dials 8883, so the hub binds
 * 127.0.0.1:8883 here; surefire runs test classes one after the other (no parallel forks), so this class never
 * overlaps with the other class that binds 8883 (mqtt.OfficialSdkCompatibilityTest).
 */
@Timeout(120)
class OfficialSdkC2dTest {
    private static HubFixture fixture;

    @BeforeAll
    static void start() {
        fixture = HubFixture.start(8883, b -> { });
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void deviceReceivesAC2dMessageWithItsProperties() throws Exception {
        Identity d = fixture.device("sdk-c2d");
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = new DeviceClient(fixture.connectionString(d), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(TestHub.sslContextTrusting(fixture.hub().caCertificatePem()))
                        .build());
        try {
            client.setMessageCallback((message, context) -> {
                received.add(message);
                return IotHubMessageResult.COMPLETE;
            }, null);
            client.open(false);
            // sent while the device is online, and one queued before a reconnect below
            HttpResponse<String> r = fixture.send("POST", "/devices/sdk-c2d/messages/deviceBound",
                    "{\"cmd\":\"on\"}".getBytes(StandardCharsets.UTF_8), "iothub-messageid", "sdk-mid-1",
                    "iothub-correlationid", "sdk-cid-1", "iothub-contenttype", "application/json",
                    "iothub-app-color", "red and blue", "iothub-app-level", "3+4=7");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

            Message m = received.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("C2D message within 20 s").isNotNull();
            assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"cmd\":\"on\"}");
            assertThat(m.getMessageId()).isEqualTo("sdk-mid-1");
            assertThat(m.getCorrelationId()).isEqualTo("sdk-cid-1");
            assertThat(m.getContentType()).isEqualTo("application/json");
            assertThat(m.getProperty("color")).isEqualTo("red and blue");
            assertThat(m.getProperty("level")).isEqualTo("3+4=7");
            // the SDK PUBACKs after the callback: the queue empties
            await().atMost(HubFixture.WAIT).until(() -> fixture.hub().cloudToDeviceQueue().depth("sdk-c2d") == 0);
        } finally {
            client.close();
        }

        // queued while offline: delivered when the SDK connects again
        fixture.send("POST", "/devices/sdk-c2d/messages/deviceBound", "later".getBytes(StandardCharsets.UTF_8),
                "iothub-app-k", "v");
        DeviceClient again = new DeviceClient(fixture.connectionString(d), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(TestHub.sslContextTrusting(fixture.hub().caCertificatePem()))
                        .build());
        try {
            again.setMessageCallback((message, context) -> {
                received.add(message);
                return IotHubMessageResult.COMPLETE;
            }, null);
            again.open(false);
            Message later = received.poll(20, TimeUnit.SECONDS);
            assertThat(later).isNotNull();
            assertThat(new String(later.getBytes(), StandardCharsets.UTF_8)).isEqualTo("later");
            assertThat(later.getProperty("k")).isEqualTo("v");
            assertThat(later.getMessageId()).matches("[0-9a-f-]{36}");
        } finally {
            again.close();
        }
    }
}
