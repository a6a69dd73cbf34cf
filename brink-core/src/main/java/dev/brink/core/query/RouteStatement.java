package dev.brink.core.query;

/**
 * The syntactic parts of an edge hub route {@code [SELECT *] FROM <source> [WHERE <condition>] INTO <sink>},
 * as parsed by the shared grammar. Only the shape is checked here; {@code dev.brink.core.route.Route}
 * decides which sources and sinks are valid. Positions are 1-based, like {@link QuerySyntaxException}'s.
 *
 * @param source        the source path exactly as written ({@code /messages/modules/m1/outputs/*})
 * @param condition     the compiled WHERE condition, or null when the route has none
 * @param sinkName      the sink identifier ({@code $upstream}, {@code BrokeredEndpoint})
 * @param sinkArgument  the unquoted string argument of a function sink, or null for {@code $upstream}
 */
public record RouteStatement(String source, int sourceLine, int sourceColumn, Condition condition,
                             String sinkName, String sinkArgument, int sinkLine, int sinkColumn) {

    /** Parses a route; a syntax error throws {@link QuerySyntaxException} naming line and column. */
    public static RouteStatement parse(String text) {
        return QueryCompiler.compileRoute(text);
    }
}
