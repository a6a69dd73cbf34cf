package dev.brink.core.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The result of a twin operation.
 *
 * @param twin          the new document (the same instance when nothing changed)
 * @param desiredPatch  the effective desired patch to notify the device with, including
 *                      {@code "$version": N}; null when the desired properties did not change
 * @param changed       whether anything changed
 */
public record TwinUpdate(TwinDocument twin, ObjectNode desiredPatch, boolean changed) {
}
