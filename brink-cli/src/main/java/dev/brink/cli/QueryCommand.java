package dev.brink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.brink.client.service.HubServiceClient;
import dev.brink.core.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brink hub query "SELECT ..."}: the IoT Hub query language over twins. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Run a query, e.g. \"SELECT * FROM devices WHERE tags.site = 'north'\"; fetches every page.")
final class QueryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "QUERY", description = "The query text (quote it).")
    String query;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "" + HubServiceClient.DEFAULT_PAGE_SIZE,
            description = "Rows fetched per request (default: ${DEFAULT-VALUE}); all pages are fetched.")
    int pageSize;

    @Mixin
    HubOptions hub;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (pageSize < 1) {
            throw new UsageException("--page-size must be at least 1");
        }
        ArrayNode rows = hub.connect().query(query, pageSize);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOptions.printJson(out, rows);
        } else if (allTwins(rows)) {
            printTwins(out, rows);
        } else {
            // Projections and aggregates have no fixed columns: one compact JSON row per line.
            for (JsonNode row : rows) {
                out.println(Json.write(row));
            }
            out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
            out.flush();
        }
        return 0;
    }

    private static boolean allTwins(ArrayNode rows) {
        for (JsonNode row : rows) {
            if (!row.isObject() || !row.has("deviceId") || !row.has("properties")) {
                return false;
            }
        }
        return !rows.isEmpty();
    }

    private static void printTwins(PrintWriter out, ArrayNode rows) {
        Table table = Table.of("DEVICE", "MODULE", "STATUS", "CONNECTION", "TAGS");
        for (JsonNode twin : rows) {
            JsonNode tags = twin.path("tags");
            table.row(twin.path("deviceId").asText(), twin.path("moduleId").asText(null),
                    twin.path("status").asText(null), twin.path("connectionState").asText(null),
                    tags.isObject() && !tags.isEmpty() ? Json.write(tags) : null);
        }
        table.print(out);
        out.println(rows.size() + (rows.size() == 1 ? " twin" : " twins"));
        out.flush();
    }
}
