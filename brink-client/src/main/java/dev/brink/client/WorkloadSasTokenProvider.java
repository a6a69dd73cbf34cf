package dev.brink.client;

import dev.brink.core.message.UriCoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs tokens through the edge workload API, so the module never holds its key (reference §4): the string
 * {@code encode(audience) + "\n" + se} goes to {@code POST .../modules/{m}/genid/{g}/sign}, the returned
 * digest becomes {@code sig}. The audience is percent-encoded as a whole, as the Node SDK and the Java SDK's
 * HSM provider do, and the signature is over that encoded text.
 */
public final class WorkloadSasTokenProvider implements SasTokenProvider {
    private final WorkloadClient workload;
    private final String moduleId;
    private final String generationId;

    public WorkloadSasTokenProvider(WorkloadClient workload, String moduleId, String generationId) {
        this.workload = Objects.requireNonNull(workload, "workload");
        this.moduleId = Objects.requireNonNull(moduleId, "moduleId");
        this.generationId = Objects.requireNonNull(generationId, "generationId");
    }

    @Override
    public String createToken(String audience, Instant expiresAt) {
        String sr = UriCoding.encode(audience);
        String se = Long.toString(expiresAt.getEpochSecond());
        String data = Base64.getEncoder().encodeToString((sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
        String digest = workload.sign(moduleId, generationId, data);
        return "SharedAccessSignature sr=" + sr + "&sig=" + UriCoding.encode(digest) + "&se=" + se;
    }
}
