package dev.brink.core.route;

import dev.brink.core.id.Ids;

/**
 * The {@code INTO} part of a route: {@code $upstream} (the hub, or the parent edge) or
 * {@code BrokeredEndpoint("/modules/{m}/inputs/{i}")} (a module input on this edge device).
 * {@link #endpointId()} is the queue identity the store and router use.
 */
public sealed interface RouteSink permits RouteSink.Upstream, RouteSink.ModuleInput {

    /** {@code $upstream} or {@code /modules/{m}/inputs/{i}}. */
    String endpointId();

    Upstream UPSTREAM = new Upstream();

    record Upstream() implements RouteSink {
        public static final String ENDPOINT_ID = "$upstream";

        @Override
        public String endpointId() {
            return ENDPOINT_ID;
        }
    }

    /** A module input; names keep the spelling of the route (module ids are case-sensitive). */
    record ModuleInput(String moduleId, String inputName, String endpointId) implements RouteSink {
        public ModuleInput(String moduleId, String inputName) {
            this(moduleId, inputName, "/modules/" + moduleId + "/inputs/" + inputName);
        }
    }

    String EXPECTED = "expected $upstream or BrokeredEndpoint(\"/modules/{moduleId}/inputs/{inputName}\")";

    /**
     * Compiles a sink from its grammar parts.
     *
     * @throws IllegalArgumentException naming what is expected
     */
    static RouteSink parse(String name, String argument) {
        if (name.equalsIgnoreCase(Upstream.ENDPOINT_ID)) {
            if (argument != null) {
                throw new IllegalArgumentException("$upstream takes no argument; " + EXPECTED);
            }
            return UPSTREAM;
        }
        if (!name.equalsIgnoreCase("BrokeredEndpoint")) {
            throw new IllegalArgumentException("unsupported sink '" + name + "'; " + EXPECTED);
        }
        if (argument == null) {
            throw new IllegalArgumentException("BrokeredEndpoint needs a path argument; " + EXPECTED);
        }
        String[] s = argument.split("/", -1);
        // "/modules/m/inputs/i" splits into "", modules, m, inputs, i: exactly four path segments.
        boolean shaped = s.length == 5 && s[0].isEmpty() && s[1].equalsIgnoreCase("modules")
                && s[3].equalsIgnoreCase("inputs");
        if (!shaped) {
            throw new IllegalArgumentException("BrokeredEndpoint path '" + argument
                    + "' must have exactly 4 segments /modules/{moduleId}/inputs/{inputName}");
        }
        if (!Ids.isValidId(s[2])) {
            throw new IllegalArgumentException("BrokeredEndpoint path '" + argument + "': '" + s[2]
                    + "' is not a valid module id");
        }
        if (!validInputName(s[4])) {
            throw new IllegalArgumentException("BrokeredEndpoint path '" + argument + "': '" + s[4]
                    + "' is not a valid input name (1-128 printable characters, no whitespace, '#' or '+')");
        }
        return new ModuleInput(s[2], s[4]);
    }

    /** Input names end up in MQTT topics ({@code .../inputs/{name}/...}), so wildcards are not allowed. */
    private static boolean validInputName(String name) {
        if (name.isEmpty() || name.length() > Ids.MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '#' || c == '+') {
                return false;
            }
        }
        return true;
    }
}
