package dev.brink.core.id;

/**
 * Names one identity: a device ({@code moduleId == null}) or a module of a device. Ids are case-sensitive.
 */
public record IdentityKey(String deviceId, String moduleId) implements Comparable<IdentityKey> {

    public static IdentityKey device(String deviceId) {
        return new IdentityKey(deviceId, null);
    }

    public static IdentityKey module(String deviceId, String moduleId) {
        return new IdentityKey(deviceId, moduleId);
    }

    public boolean isModule() {
        return moduleId != null;
    }

    /** The resource name {@code /devices/{d}[/modules/{m}]}. */
    public String resourceName() {
        return isModule() ? "/devices/" + deviceId + "/modules/" + moduleId : "/devices/" + deviceId;
    }

    @Override
    public int compareTo(IdentityKey o) {
        int c = deviceId.compareTo(o.deviceId);
        if (c != 0) {
            return c;
        }
        String a = moduleId == null ? "" : moduleId;
        String b = o.moduleId == null ? "" : o.moduleId;
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        return resourceName();
    }
}
