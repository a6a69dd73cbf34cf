package dev.brink.hub.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.brink.core.json.Json;
import dev.brink.core.sas.Keys;
import dev.brink.infra.files.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's shared access policies, persisted in {@code policies.json} (0600). The five policies Azure
 * creates for a new hub are created on first start with fresh keys; a policy file edited by hand (e.g. a
 * rotated key or an extra policy) is kept as is, and missing default policies are added back.
 */
public final class AccessPolicies {
    public static final String IOTHUBOWNER = "iothubowner";
    public static final String SERVICE = "service";
    public static final String REGISTRY_READ = "registryRead";
    public static final String REGISTRY_READ_WRITE = "registryReadWrite";
    public static final String DEVICE = "device";

    /** The defaults, with the same rights Azure gives them. */
    static final Map<String, Set<AccessRight>> DEFAULTS = defaults();

    private final Map<String, AccessPolicy> byName;

    private AccessPolicies(Map<String, AccessPolicy> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Reads {@code file}, creating it (or adding missing default policies) when needed. */
    public static AccessPolicies loadOrCreate(Path file) {
        Map<String, AccessPolicy> policies = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (AccessPolicy p : parse(file)) {
                if (policies.put(p.keyName(), p) != null) {
                    throw new IllegalStateException(file + ": policy '" + p.keyName() + "' is defined twice");
                }
            }
        }
        boolean changed = false;
        for (Map.Entry<String, Set<AccessRight>> d : DEFAULTS.entrySet()) {
            if (!policies.containsKey(d.getKey())) {
                policies.put(d.getKey(), new AccessPolicy(d.getKey(), Keys.generateKey(), Keys.generateKey(), d.getValue()));
                changed = true;
            }
        }
        if (changed || !Files.exists(file)) {
            SecureFiles.writeSecret(file, format(policies.values()));
        }
        return new AccessPolicies(policies);
    }

    public Optional<AccessPolicy> find(String keyName) {
        return keyName == null ? Optional.empty() : Optional.ofNullable(byName.get(keyName));
    }

    /** The named policy; fails when it does not exist (only for names known to exist, like the defaults). */
    public AccessPolicy get(String keyName) {
        return find(keyName).orElseThrow(() -> new IllegalArgumentException("No access policy named " + keyName));
    }

    public Collection<AccessPolicy> all() {
        return byName.values();
    }

    /**
     * The service connection string for a policy. A non-443 port is written into HostName as
     * {@code host:port} — Brink's extension; the official Java service SDK only accepts a port-less HostName.
     */
    public String connectionString(String policyName, String hubHostName, int port) {
        AccessPolicy policy = get(policyName);
        return "HostName=" + hostWithPort(hubHostName, port) + ";SharedAccessKeyName=" + policy.keyName()
                + ";SharedAccessKey=" + policy.primaryKey();
    }

    static String hostWithPort(String host, int port) {
        return port == 443 ? host : host + ":" + port;
    }

    private static List<AccessPolicy> parse(Path file) {
        try {
            return Json.MAPPER.readValue(SecureFiles.read(file), new TypeReference<List<AccessPolicy>>() { });
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("Cannot read access policies from " + file + ": " + e.getMessage(), e);
        }
    }

    private static String format(Collection<AccessPolicy> policies) {
        try {
            return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(new ArrayList<>(policies)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise access policies", e);
        }
    }

    private static Map<String, Set<AccessRight>> defaults() {
        Map<String, Set<AccessRight>> d = new LinkedHashMap<>();
        d.put(IOTHUBOWNER, EnumSet.allOf(AccessRight.class));
        d.put(SERVICE, EnumSet.of(AccessRight.ServiceConnect));
        d.put(DEVICE, EnumSet.of(AccessRight.DeviceConnect));
        d.put(REGISTRY_READ, EnumSet.of(AccessRight.RegistryRead));
        d.put(REGISTRY_READ_WRITE, EnumSet.of(AccessRight.RegistryRead, AccessRight.RegistryWrite));
        return d;
    }
}
