package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Formatting shared by the device and module commands. */
final class Identities {
    /** IoT Hub's "never" timestamp. */
    private static final String NEVER_PREFIX = "0001-01-01";

    private Identities() {
    }

    static String time(JsonNode value) {
        String text = value.asText(null);
        return text == null || text.isEmpty() || text.startsWith(NEVER_PREFIX) ? "never" : text;
    }

    static List<String[]> credentialRows(JsonNode identity) {
        JsonNode auth = identity.path("authentication");
        JsonNode keys = auth.path("symmetricKey");
        return List.of(
                new String[] {"Authentication", auth.path("type").asText(null)},
                new String[] {"Primary key", keys.path("primaryKey").asText(null)},
                new String[] {"Secondary key", keys.path("secondaryKey").asText(null)},
                new String[] {"Generation ID", identity.path("generationId").asText(null)},
                new String[] {"ETag", identity.path("etag").asText(null)});
    }
}
