package dev.brink.hub.mqtt;

import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Twin GET and reported PATCH through the official Java device SDK 2.5.0, robust against its response race.
 *
 * <p>Why not {@code client.getTwin()} / {@code client.updateReportedProperties()}: in SDK 2.5.0,
 * {@code IotHubTransport.onMessageReceived} (Paho's callback thread) first puts the twin response on the receive
 * queue — waking the {@code IotHubReceiveTask} — and only then looks up the request's correlation callback to call
 * {@code onResponseReceived}. The receive task acknowledges the response, calls {@code onResponseAcknowledged}
 * and starts a thread that removes the correlation callback. When the callback thread is descheduled between
 * those two steps (a loaded machine), the lookup finds nothing and {@code onResponseReceived} — the only path the
 * synchronous methods wait on — is silently skipped: the call times out although the hub answered correctly
 * (Azure/azure-iot-sdk-java issue #1803, fix proposed in PR #1847). The receive task always sees the callback
 * (it removes it only afterwards), so these helpers complete on whichever of {@code onResponseReceived} and
 * {@code onResponseAcknowledged} comes first; both carry the same response message (status and {@code $version}
 * parsed by the SDK from {@code $iothub/twin/res/{status}/?$rid=..&$version=..}).
 */
final class SdkTwinCalls {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SdkTwinCalls() {
    }

    /** The twin as the SDK parses a GET response ({@code {"desired":..,"reported":..}}). */
    static Twin getTwin(InternalClient client) throws Exception {
        CompletableFuture<IotHubTransportMessage> response = new CompletableFuture<>();
        client.getTwinAsync(new GetTwinCorrelatingMessageCallback() {
            @Override
            public void onRequestQueued(Message m, Object c) {
            }

            @Override
            public void onRequestSent(Message m, Object c) {
            }

            @Override
            public void onRequestAcknowledged(Message m, Object c, IotHubClientException e) {
                failOn(response, e);
            }

            @Override
            public void onResponseReceived(Twin t, Message m, Object c, IotHubStatusCode s, IotHubClientException e) {
                response.complete((IotHubTransportMessage) m);
            }

            @Override
            public void onResponseAcknowledged(Message m, Object c) {
                response.complete((IotHubTransportMessage) m);
            }
        }, null);
        IotHubTransportMessage m = await(response, "twin GET");
        requireSuccess(m, "twin GET");
        return Twin.createFromPropertiesJson(new String(m.getBytes(), StandardCharsets.UTF_8));
    }

    /** Sends a reported patch; returns the new reported version from the response topic. */
    static int updateReported(InternalClient client, TwinCollection patch) throws Exception {
        CompletableFuture<IotHubTransportMessage> response = new CompletableFuture<>();
        client.updateReportedPropertiesAsync(patch, new ReportedPropertiesUpdateCorrelatingMessageCallback() {
            @Override
            public void onRequestQueued(Message m, Object c) {
            }

            @Override
            public void onRequestSent(Message m, Object c) {
            }

            @Override
            public void onRequestAcknowledged(Message m, Object c, IotHubClientException e) {
                failOn(response, e);
            }

            @Override
            public void onResponseReceived(Message m, Object c, IotHubStatusCode s, ReportedPropertiesUpdateResponse r,
                    IotHubClientException e) {
                response.complete((IotHubTransportMessage) m);
            }

            @Override
            public void onResponseAcknowledged(Message m, Object c) {
                response.complete((IotHubTransportMessage) m);
            }
        }, null);
        IotHubTransportMessage m = await(response, "reported PATCH");
        requireSuccess(m, "reported PATCH");
        if (m.getVersion() == null) {
            throw new AssertionError("reported PATCH response without $version in its topic");
        }
        return m.getVersion();
    }

    private static void failOn(CompletableFuture<?> response, IotHubClientException e) {
        if (e != null) {
            response.completeExceptionally(e);
        }
    }

    private static IotHubTransportMessage await(CompletableFuture<IotHubTransportMessage> response, String what)
            throws Exception {
        try {
            return response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no response to the " + what + " within " + TIMEOUT, e);
        }
    }

    private static void requireSuccess(IotHubTransportMessage m, String what) {
        int status = Integer.parseInt(m.getStatus());
        if (status < 200 || status > 299) {
            throw new AssertionError(what + " answered " + status + ": "
                    + new String(m.getBytes(), StandardCharsets.UTF_8));
        }
    }
}
