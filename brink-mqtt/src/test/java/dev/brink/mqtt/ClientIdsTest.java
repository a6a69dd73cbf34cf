package dev.brink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.core.id.IdentityKey;
import org.junit.jupiter.api.Test;

class ClientIdsTest {

    @Test
    void clientIdsNameADeviceOrAModule() {
        assertThat(ClientIds.parse("dev")).isEqualTo(IdentityKey.device("dev"));
        assertThat(ClientIds.parse("dev/mod")).isEqualTo(IdentityKey.module("dev", "mod"));
        assertThat(ClientIds.parse("")).isNull();
        assertThat(ClientIds.parse(null)).isNull();
        assertThat(ClientIds.parse("dev/")).isNull();
        assertThat(ClientIds.parse("a/b/c")).isNull();
    }

    @Test
    void usernamesAreCheckedOnlyWhenTheyHaveTheIotHubShape() {
        IdentityKey module = IdentityKey.module("dev", "mod");
        assertThat(ClientIds.usernameProblem("hub.local/dev/mod/?api-version=2020-09-30", module)).isNull();
        assertThat(ClientIds.usernameProblem("hub.local/other/mod/?api-version=2020-09-30", module))
                .contains("device other");
        assertThat(ClientIds.usernameProblem("hub.local/dev/other/?api-version=2020-09-30", module))
                .contains("module other");
        assertThat(ClientIds.usernameProblem("plain-test-user", module)).isNull();
    }
}
