package dev.brink.core.deployment;

/**
 * {@code settings}: the image and the container/process create options.
 *
 * @param image         {@code settings.image} as written in the manifest
 * @param createOptions the JSON text of {@code createOptions} with chunks {@code createOptions01..99}
 *                      joined in order, or null when absent
 */
public record ModuleSettings(String image, String createOptions) {
}
