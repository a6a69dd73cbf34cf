package dev.brink.core.route;

import dev.brink.core.message.Message;
import java.util.Objects;

/**
 * Where a message entered the edge hub, in route terms: leaf-device telemetry ({@code /messages}), a module
 * message ({@code /messages/modules/{m}} or, with an output name, {@code /messages/modules/{m}/outputs/{o}})
 * or a twin change notification ({@code /twinChangeNotifications}).
 *
 * @param moduleId   the sending module, for {@link Kind#MODULE} only
 * @param outputName the module output, or null when the module sent without one
 */
public record MessageSource(Kind kind, String moduleId, String outputName) {

    public enum Kind { TELEMETRY, MODULE, TWIN_CHANGE_NOTIFICATION }

    public static final MessageSource TELEMETRY = new MessageSource(Kind.TELEMETRY, null, null);
    public static final MessageSource TWIN_CHANGE_NOTIFICATION =
            new MessageSource(Kind.TWIN_CHANGE_NOTIFICATION, null, null);

    public MessageSource {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.MODULE) {
            Objects.requireNonNull(moduleId, "moduleId");
        } else if (moduleId != null || outputName != null) {
            throw new IllegalArgumentException("only module messages have a module id and output name");
        }
    }

    public static MessageSource module(String moduleId, String outputNameOrNull) {
        return new MessageSource(Kind.MODULE, moduleId, outputNameOrNull);
    }

    /**
     * The source of a message as the edge hub stamped it: a module message when {@code connectionModuleId}
     * is set (with its {@code outputName}), else leaf-device telemetry.
     */
    public static MessageSource of(Message message) {
        String module = message.connectionModuleId();
        return module == null ? TELEMETRY : module(module, message.outputName());
    }

    /** The route path of this source, e.g. {@code /messages/modules/filter/outputs/alerts}. */
    public String path() {
        return switch (kind) {
            case TELEMETRY -> "/messages";
            case TWIN_CHANGE_NOTIFICATION -> "/twinChangeNotifications";
            case MODULE -> "/messages/modules/" + moduleId + (outputName == null ? "" : "/outputs/" + outputName);
        };
    }
}
