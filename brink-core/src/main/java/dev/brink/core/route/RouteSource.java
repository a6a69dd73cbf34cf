package dev.brink.core.route;

import dev.brink.core.id.Ids;
import java.util.Locale;

/**
 * The {@code FROM} part of a route, compiled to a structural matcher. The reference matches sources by
 * case-insensitive prefix of {@code path + "/"} with a trailing {@code *} dropped; for the allowed forms
 * that is exactly the comparison below (names compared case-insensitively, whole segments only), done
 * without building a path string per message.
 *
 * @param text     the source as written in the route
 * @param moduleId the module for the MODULE* scopes, else null
 * @param output   the output for {@link Scope#MODULE_OUTPUT}, else null
 */
public record RouteSource(String text, Scope scope, String moduleId, String output) {

    public enum Scope {
        /** {@code /*}: everything, including twin change notifications. */
        ALL,
        /** {@code /messages}, {@code /messages/*}: telemetry of leaf devices and all module messages. */
        MESSAGES,
        /** {@code /messages/modules/*}: every module's messages. */
        ALL_MODULES,
        /** {@code /messages/modules/{m}}, {@code /messages/modules/{m}/*}: all messages of module m. */
        MODULE,
        /** {@code /messages/modules/{m}/outputs/*}: messages of module m sent to any named output. */
        MODULE_OUTPUTS,
        /** {@code /messages/modules/{m}/outputs/{o}}: messages of module m sent to output o. */
        MODULE_OUTPUT,
        /** {@code /twinChangeNotifications}. */
        TWIN_CHANGE_NOTIFICATIONS
    }

    static final String EXPECTED = "expected /*, /messages, /messages/*, /messages/modules/*, /messages/modules/{m}, "
            + "/messages/modules/{m}/*, /messages/modules/{m}/outputs/*, /messages/modules/{m}/outputs/{o} "
            + "or /twinChangeNotifications";

    /** Whether a message from {@code source} is selected by this route source. */
    public boolean matches(MessageSource source) {
        return switch (scope) {
            case ALL -> true;
            case MESSAGES -> source.kind() != MessageSource.Kind.TWIN_CHANGE_NOTIFICATION;
            case ALL_MODULES -> source.kind() == MessageSource.Kind.MODULE;
            case MODULE -> fromModule(source);
            case MODULE_OUTPUTS -> fromModule(source) && source.outputName() != null;
            case MODULE_OUTPUT -> fromModule(source) && output.equalsIgnoreCase(source.outputName());
            case TWIN_CHANGE_NOTIFICATIONS -> source.kind() == MessageSource.Kind.TWIN_CHANGE_NOTIFICATION;
        };
    }

    private boolean fromModule(MessageSource source) {
        return source.kind() == MessageSource.Kind.MODULE && moduleId.equalsIgnoreCase(source.moduleId());
    }

    /**
     * Compiles a source path (already shaped by the grammar: {@code /}-separated, no whitespace).
     *
     * @throws IllegalArgumentException with a message naming what is expected
     */
    static RouteSource parse(String text) {
        String[] s = text.substring(1).split("/", -1);
        int n = s.length;
        if (n == 1 && s[0].equals("*")) {
            return new RouteSource(text, Scope.ALL, null, null);
        }
        if (n == 1 && is(s[0], "twinChangeNotifications")) {
            return new RouteSource(text, Scope.TWIN_CHANGE_NOTIFICATIONS, null, null);
        }
        if (!is(s[0], "messages")) {
            throw unsupported(text);
        }
        if (n == 1 || (n == 2 && s[1].equals("*"))) {
            return new RouteSource(text, Scope.MESSAGES, null, null);
        }
        if (!is(s[1], "modules")) {
            throw unsupported(text);
        }
        if (n == 3 && s[2].equals("*")) {
            return new RouteSource(text, Scope.ALL_MODULES, null, null);
        }
        if (n < 3 || n > 6 || !Ids.isValidId(s[2]) || s[2].contains("*")) {
            throw unsupported(text);
        }
        String module = s[2];
        if (n == 3 || (n == 4 && s[3].equals("*"))) {
            return new RouteSource(text, Scope.MODULE, module, null);
        }
        if (n == 5 && is(s[3], "outputs") && s[4].equals("*")) {
            return new RouteSource(text, Scope.MODULE_OUTPUTS, module, null);
        }
        if (n == 5 && is(s[3], "outputs") && !s[4].contains("*")) {
            return new RouteSource(text, Scope.MODULE_OUTPUT, module, s[4]);
        }
        throw unsupported(text);
    }

    private static boolean is(String segment, String keyword) {
        return segment.toLowerCase(Locale.ROOT).equals(keyword.toLowerCase(Locale.ROOT));
    }

    private static IllegalArgumentException unsupported(String text) {
        return new IllegalArgumentException("unsupported source '" + text + "'; " + EXPECTED);
    }
}
