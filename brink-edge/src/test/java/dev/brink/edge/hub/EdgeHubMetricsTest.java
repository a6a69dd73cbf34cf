package dev.brink.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brink.edge.hub.store.StoreStats;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EdgeHubMetricsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void servesPrometheusTextWithStoreFiguresTakenAtScrapeTime() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        StoreStats stats = new StoreStats(4096, 8192, Map.of("$upstream", Map.of(0, 7L, 2, 1L),
                "/modules/sink/inputs/in1", Map.of(2000000000, 3L)), Map.of("ttl_expiry", 2L, "no_route", 5L), 11);
        EdgeHubMetrics metrics = new EdgeHubMetrics("hub.example.com", "edge1", clock, () -> stats, () -> 3, up::get);
        metrics.received();
        metrics.received();
        metrics.sent(EdgeHubMetrics.TO_UPSTREAM);
        metrics.retried();
        metrics.linkChanged(false);

        try (MetricsServer server = MetricsServer.start(vertx, "127.0.0.1", 0, metrics::scrape)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
            String text = r.body();
            assertThat(text).contains("edgehub_messages_received_total{edge_device=\"edge1\",iothub=\"hub.example.com\"} 2.0")
                    .contains("edgehub_messages_sent_total{edge_device=\"edge1\",iothub=\"hub.example.com\",to=\"upstream\"} 1.0")
                    .contains("edgehub_messages_retried_total")
                    .contains("edgehub_messages_dropped_total{edge_device=\"edge1\",iothub=\"hub.example.com\",reason=\"no_route\"} 5.0")
                    .contains("reason=\"ttl_expiry\"} 2.0")
                    .contains("reason=\"overflow\"} 0.0")
                    .contains("edgehub_queue_length{edge_device=\"edge1\",endpoint=\"$upstream\",iothub=\"hub.example.com\",priority=\"0\"} 7.0")
                    .contains("endpoint=\"/modules/sink/inputs/in1\"")
                    .contains("edgehub_store_bytes{edge_device=\"edge1\",iothub=\"hub.example.com\"} 4096.0")
                    .contains("edgehub_store_unwritten_entries_total{edge_device=\"edge1\",iothub=\"hub.example.com\"} 11.0")
                    .contains("edgehub_connected_clients{edge_device=\"edge1\",iothub=\"hub.example.com\"} 3.0")
                    .contains("edgehub_upstream_connected{edge_device=\"edge1\",iothub=\"hub.example.com\"} 0.0")
                    .contains("edgehub_offline_duration_seconds")
                    .contains("edgehub_offline_count_total");

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/other")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
        up.set(true);
        metrics.linkChanged(true);
        assertThat(metrics.scrape()).contains("edgehub_upstream_connected{edge_device=\"edge1\",iothub=\"hub.example.com\"} 1.0")
                .contains("edgehub_offline_duration_seconds{edge_device=\"edge1\",iothub=\"hub.example.com\"} 0.0");
    }
}
