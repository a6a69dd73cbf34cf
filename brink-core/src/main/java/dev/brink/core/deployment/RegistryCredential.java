package dev.brink.core.deployment;

/** One entry of {@code runtime.settings.registryCredentials}. The password is a secret: never printed. */
public record RegistryCredential(String address, String username, String password) {
    @Override
    public String toString() {
        return "RegistryCredential[address=" + address + ", username=" + username + ", password=***]";
    }
}
