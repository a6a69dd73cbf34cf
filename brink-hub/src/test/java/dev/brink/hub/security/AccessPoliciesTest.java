package dev.brink.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.brink.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPoliciesTest {
    @TempDir
    Path dir;

    @Test
    void createsTheFiveAzurePoliciesWithDistinctKeys() throws Exception {
        Path file = dir.resolve("policies.json");
        AccessPolicies policies = AccessPolicies.loadOrCreate(file);

        assertThat(policies.all()).extracting(AccessPolicy::keyName).containsExactlyInAnyOrder(
                "iothubowner", "service", "registryRead", "registryReadWrite", "device");
        assertThat(policies.get("iothubowner").rights()).containsExactlyInAnyOrder(AccessRight.values());
        assertThat(policies.get("registryRead").rights()).containsExactly(AccessRight.RegistryRead);
        assertThat(policies.get("service").rights()).containsExactly(AccessRight.ServiceConnect);
        assertThat(policies.get("device").rights()).containsExactly(AccessRight.DeviceConnect);
        AccessPolicy owner = policies.get("iothubowner");
        assertThat(Base64.getDecoder().decode(owner.primaryKey())).hasSize(32);
        assertThat(owner.primaryKey()).isNotEqualTo(owner.secondaryKey());
        assertThat(owner.toString()).doesNotContain(owner.primaryKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void reloadKeepsKeysAndRestoresMissingDefaults() throws Exception {
        Path file = dir.resolve("policies.json");
        AccessPolicies first = AccessPolicies.loadOrCreate(file);
        // an operator deleted one policy and rotated a key by hand
        ArrayNode json = (ArrayNode) Json.MAPPER.readTree(Files.readString(file)
                .replace(first.get("iothubowner").secondaryKey(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        for (int i = 0; i < json.size(); i++) {
            if (json.get(i).get("keyName").asText().equals("device")) {
                json.remove(i);
            }
        }
        Files.writeString(file, json.toString());
        AccessPolicies second = AccessPolicies.loadOrCreate(file);
        assertThat(second.get("iothubowner").primaryKey()).isEqualTo(first.get("iothubowner").primaryKey());
        assertThat(second.get("iothubowner").secondaryKey()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assertThat(second.get("service").primaryKey()).isEqualTo(first.get("service").primaryKey());
        assertThat(second.get("device").primaryKey()).isNotEqualTo(first.get("device").primaryKey());
        assertThat(AccessPolicies.loadOrCreate(file).get("device").primaryKey())
                .isEqualTo(second.get("device").primaryKey());
    }

    @Test
    void connectionStringCarriesPortOnlyWhenNot443() {
        AccessPolicies policies = AccessPolicies.loadOrCreate(dir.resolve("policies.json"));
        String key = policies.get("iothubowner").primaryKey();
        assertThat(policies.connectionString("iothubowner", "localhost", 443))
                .isEqualTo("HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key);
        assertThat(policies.connectionString("iothubowner", "localhost", 8443))
                .isEqualTo("HostName=localhost:8443;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key);
    }
}
