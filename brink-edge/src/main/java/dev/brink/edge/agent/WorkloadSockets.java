package dev.brink.edge.agent;

import java.nio.file.Path;

/** The per-module workload sockets (implemented by the workload API); null-object in tests. */
public interface WorkloadSockets {
    /** Creates (or returns) the module's socket and returns its host path, or null when there is none. */
    Path open(String moduleName);

    void close(String moduleName);

    WorkloadSockets NONE = new WorkloadSockets() {
        @Override
        public Path open(String moduleName) {
            return null;
        }

        @Override
        public void close(String moduleName) {
        }
    };
}
