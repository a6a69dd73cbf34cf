package dev.brink.core.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One property section (desired or reported). Never mutated after construction; nodes may be shared
 * with other documents (copy-on-write).
 *
 * @param props    the properties, without any $-keys
 * @param metadata the {@code $metadata} tree mirroring {@code props}
 * @param version  the section's {@code $version}
 */
record TwinSection(ObjectNode props, ObjectNode metadata, long version) {
}
