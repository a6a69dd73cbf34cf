package dev.brink.edge.hub.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.client.ClientOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamSettingsTest {

    @Test
    void reconnectBackOffIsCappedForUpstreamLinks() {
        UpstreamSettings defaults = new UpstreamSettings("hub", "edge", "a2V5", ClientOptions.builder().port(1234)
                .trustedCaPem("pem").build());
        assertThat(defaults.clientOptions().reconnectMaxBackoff()).isEqualTo(UpstreamSettings.MAX_RECONNECT_BACKOFF);
        assertThat(defaults.clientOptions().reconnectMinBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.clientOptions().port()).isEqualTo(1234); // the rest is kept
        assertThat(defaults.clientOptions().trustedCaPem()).isEqualTo("pem");

        ClientOptions fast = ClientOptions.builder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        assertThat(new UpstreamSettings("hub", "edge", "a2V5", fast).clientOptions()).isSameAs(fast);

        ClientOptions slow = ClientOptions.builder().reconnectBackoff(Duration.ofSeconds(30), Duration.ofSeconds(90))
                .build();
        ClientOptions capped = new UpstreamSettings("hub", "edge", "a2V5", slow).clientOptions();
        assertThat(capped.reconnectMinBackoff()).isEqualTo(UpstreamSettings.MAX_RECONNECT_BACKOFF);
        assertThat(capped.reconnectMaxBackoff()).isEqualTo(UpstreamSettings.MAX_RECONNECT_BACKOFF);
    }
}
