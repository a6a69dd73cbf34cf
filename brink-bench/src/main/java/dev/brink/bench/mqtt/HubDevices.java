package dev.brink.bench.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.client.service.ServiceEndpoint;
import dev.brink.core.json.Json;
import dev.brink.core.sas.SasTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registers benchmark devices through the hub's service REST API (the hub generates their keys) and turns
 * each into a device login: client id {@code d}, username {@code {hub}/{d}/?api-version=2020-09-30}, and a
 * SAS token for {@code {hub}/devices/{d}} signed with the device's primary key.
 */
final class HubDevices {
    static final String DEVICE_API_VERSION = "2020-09-30";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(2);
    /** Concurrent PUTs: enough to fill the hub's group commit, few enough for the synchronous client. */
    private static final int CREATE_THREADS = 16;

    private HubDevices() {
    }

    /** Creates {@code count} devices named {@code prefix-00000…} and returns their logins, in order. */
    static List<DeviceLogin> create(HubProcess hub, String prefix, int count) throws Exception {
        HubServiceClient service = HubServiceClient.create(hub.serviceConnectionString(), hub.caPem());
        String hubName = ServiceEndpoint.parse(hub.serviceConnectionString()).host();
        long expiry = Instant.now().plus(TOKEN_LIFETIME).getEpochSecond();
        ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS);
        try {
            List<Future<DeviceLogin>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String deviceId = String.format("%s-%05d", prefix, i);
                futures.add(pool.submit(() -> login(service, hubName, deviceId, expiry)));
            }
            List<DeviceLogin> logins = new ArrayList<>(count);
            for (Future<DeviceLogin> f : futures) {
                logins.add(f.get());
            }
            return logins;
        } finally {
            pool.shutdownNow();
        }
    }

    private static DeviceLogin login(HubServiceClient service, String hubName, String deviceId, long expiry) {
        JsonNode created = service.createDevice(Json.object().put("deviceId", deviceId));
        String key = created.path("authentication").path("symmetricKey").path("primaryKey").asText();
        String token = SasTokens.create(hubName + "/devices/" + deviceId, key, expiry, null);
        String username = hubName + "/" + deviceId + "/?api-version=" + DEVICE_API_VERSION;
        return new DeviceLogin(deviceId, deviceId, username, token, DeviceLogin.telemetryTopic(deviceId));
    }
}
