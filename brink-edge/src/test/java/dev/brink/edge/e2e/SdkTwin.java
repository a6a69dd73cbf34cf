package dev.brink.edge.e2e;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Twin GET and reported PATCH with the official Java SDK 2.5.0, in the module child process. Same workaround as
 * brink-hub's {@code SdkTwinCalls} (not reachable from here: brink-hub's test classes): the SDK's synchronous
 * twin calls can miss their response on a loaded machine (Azure/azure-iot-sdk-java#1803), so these complete on
 * whichever of {@code onResponseReceived} / {@code onResponseAcknowledged} comes first.
 */
final class SdkTwin {
    private static final long TIMEOUT_SECONDS = 30;

    private SdkTwin() {
    }

    static Twin get(InternalClient client) throws Exception {
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
        IotHubTransportMessage m = success(response.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "twin GET");
        return Twin.createFromPropertiesJson(new String(m.getBytes(), StandardCharsets.UTF_8));
    }

    /** Returns the reported {@code $version} the edge hub answered. */
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
        IotHubTransportMessage m = success(response.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "reported PATCH");
        if (m.getVersion() == null) {
            throw new IllegalStateException("reported PATCH response without $version in its topic");
        }
        return m.getVersion();
    }

    private static void failOn(CompletableFuture<?> response, IotHubClientException e) {
        if (e != null) {
            response.completeExceptionally(e);
        }
    }

    private static IotHubTransportMessage success(IotHubTransportMessage m, String what) {
        int status = Integer.parseInt(m.getStatus());
        if (status < 200 || status > 299) {
            throw new IllegalStateException(what + " answered " + status + ": "
                    + new String(m.getBytes(), StandardCharsets.UTF_8));
        }
        return m;
    }
}
