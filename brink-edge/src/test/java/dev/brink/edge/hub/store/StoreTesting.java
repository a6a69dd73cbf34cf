package dev.brink.edge.hub.store;

import dev.brink.core.message.Message;
import dev.brink.core.route.RouteSink;
import dev.brink.core.route.RouteSpec;
import dev.brink.edge.hub.routing.RoutedEndpoint;
import java.util.ArrayList;
import java.util.List;

/** Small builders shared by the store and delivery tests. */
public final class StoreTesting {
    public static final String UPSTREAM = RouteSink.Upstream.ENDPOINT_ID;

    private StoreTesting() {
    }

    public static RoutedEndpoint upstream() {
        return new RoutedEndpoint(RouteSink.UPSTREAM, RouteSpec.DEFAULT_PRIORITY, -1);
    }

    public static RoutedEndpoint upstream(int priority, long ttlSecs) {
        return new RoutedEndpoint(RouteSink.UPSTREAM, priority, ttlSecs);
    }

    public static RoutedEndpoint input(String module, String input) {
        return new RoutedEndpoint(new RouteSink.ModuleInput(module, input), RouteSpec.DEFAULT_PRIORITY, -1);
    }

    public static Message message(String id, int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return Message.builder().messageId(id).body(body).build();
    }

    public static List<String> ids(List<QueuedMessage> queued) {
        List<String> ids = new ArrayList<>();
        queued.forEach(q -> ids.add(q.message().messageId()));
        return ids;
    }
}
