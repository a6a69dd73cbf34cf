package dev.brink.core.route;

/**
 * An invalid route. The message names the route and, for syntax errors, the 1-based line and column
 * ({@link #line()} and {@link #column()} are 0 when the error has no position).
 */
public class RouteException extends EdgeHubConfigException {
    private final String routeName;
    private final int line;
    private final int column;

    public RouteException(String routeName, String routeText, String problem, int line, int column) {
        super("Route '" + routeName + "' is invalid: " + problem
                + (routeText == null ? "" : " (route: " + routeText + ")"));
        this.routeName = routeName;
        this.line = line;
        this.column = column;
    }

    public String routeName() {
        return routeName;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
