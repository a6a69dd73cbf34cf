package dev.brink.core.id;

import dev.brink.core.error.BrinkException;

/**
 * IoT Hub identifier rules for device and module ids: 1..128 characters, case-sensitive, ASCII 7-bit
 * letters and digits plus {@code - : . + % _ # * ? ! ( ) , = @ ; $ '}. The same rule applies to both kinds
 * of id, so there is one validator with a label for the message.
 */
public final class Ids {
    public static final int MAX_LENGTH = 128;
    /** The non-alphanumeric characters IoT Hub allows in device and module ids. */
    public static final String ALLOWED_SPECIAL_CHARS = "-:.+%_#*?!(),=@;$'";

    private static final int MESSAGE_ID_PREVIEW = 40;

    private Ids() {
    }

    /** @throws BrinkException {@code ArgumentInvalid} naming the offending character or the length */
    public static void requireValidDeviceId(String deviceId) {
        requireValid("device id", deviceId);
    }

    /** @throws BrinkException {@code ArgumentInvalid} naming the offending character or the length */
    public static void requireValidModuleId(String moduleId) {
        requireValid("module id", moduleId);
    }

    /** True when {@code id} is a valid device or module id (the rules are the same). */
    public static boolean isValidId(String id) {
        return problem(id) == null;
    }

    /** The registry resource name of a device: {@code /devices/{deviceId}} (id not URL-encoded). */
    public static String resourceName(String deviceId) {
        requireValidDeviceId(deviceId);
        return "/devices/" + deviceId;
    }

    /**
     * The registry resource name of a module, {@code /devices/{d}/modules/{m}}, or of the device when
     * {@code moduleId} is null. Ids are not URL-encoded: this is a name, not a request path.
     */
    public static String resourceName(String deviceId, String moduleId) {
        if (moduleId == null) {
            return resourceName(deviceId);
        }
        requireValidModuleId(moduleId);
        return resourceName(deviceId) + "/modules/" + moduleId;
    }

    private static void requireValid(String label, String id) {
        String problem = problem(id);
        if (problem != null) {
            String shown = id == null ? "" : " '" + preview(id) + "'";
            throw BrinkException.invalid("invalid " + label + shown + ": " + problem);
        }
    }

    /** Describes why {@code id} is invalid, or returns null when it is valid. */
    private static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "length " + id.length() + " exceeds the maximum of " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAllowed(c)) {
                return "character " + describe(c) + " at index " + i + " is not allowed (allowed: ASCII letters, "
                        + "digits and " + String.join(" ", ALLOWED_SPECIAL_CHARS.split("")) + ")";
            }
        }
        return null;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ALLOWED_SPECIAL_CHARS.indexOf(c) >= 0;
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        boolean printable = c > 0x20 && c < 0x7f;
        return printable ? "'" + c + "' (" + code + ")" : code + (c == ' ' ? " (space)" : "");
    }

    // Long or binary ids would make the message unreadable; show a bounded, escaped preview.
    private static String preview(String id) {
        StringBuilder sb = new StringBuilder();
        int end = Math.min(id.length(), MESSAGE_ID_PREVIEW);
        for (int i = 0; i < end; i++) {
            char c = id.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return id.length() > end ? sb + "..." : sb.toString();
    }
}
