package dev.brink.edge.runtime.docker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The labels that mark a container as Brink's, and the container name of a module. Every list, stop
 * and remove filters on {@link #MANAGED} and {@link #DEVICE}, so containers Brink did not create (or
 * created for another edge device sharing the engine) are never touched.
 */
final class ContainerLabels {

    static final String MANAGED = "dev.brink.managed";
    static final String DEVICE = "dev.brink.device";
    static final String MODULE = "dev.brink.module";
    static final String VERSION = "dev.brink.version";

    /** Docker's container-name rule; module ids allow more characters than that. */
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private ContainerLabels() {
    }

    /** Filter selecting every Brink container of one edge device. */
    static Map<String, String> deviceFilter(String edgeDeviceId) {
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put(MANAGED, "true");
        filter.put(DEVICE, edgeDeviceId);
        return filter;
    }

    /** Filter selecting the Brink container(s) of one module of one edge device. */
    static Map<String, String> moduleFilter(String edgeDeviceId, String module) {
        Map<String, String> filter = deviceFilter(edgeDeviceId);
        filter.put(MODULE, module);
        return filter;
    }

    /** The labels Brink puts on a module's container; they override any label of the same key in createOptions. */
    static Map<String, String> forModule(String edgeDeviceId, String module, String version) {
        Map<String, String> labels = moduleFilter(edgeDeviceId, module);
        labels.put(VERSION, version == null ? "" : version);
        return labels;
    }

    static boolean isManagedBy(Map<String, String> labels, String edgeDeviceId) {
        return labels != null && "true".equals(labels.get(MANAGED)) && edgeDeviceId.equals(labels.get(DEVICE));
    }

    /**
     * The container name of a module: the module name when Docker accepts it, otherwise the name with the
     * offending characters replaced plus a short hash so two different module names never collide.
     */
    static String containerName(String module) {
        if (CONTAINER_NAME.matcher(module).matches()) {
            return module;
        }
        String cleaned = module.replaceAll("[^a-zA-Z0-9_.-]", "_").replaceFirst("^[_.-]+", "");
        return (cleaned.isEmpty() ? "module" : cleaned) + "-" + shortHash(module);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
