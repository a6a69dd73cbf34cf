package dev.brink.edge.runtime.process;

import dev.brink.edge.runtime.ModuleSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A stand-in for the edge runtime JVM in {@link OrphanCleanupTest}: starts one module that has a child and a
 * grandchild, says "started", then waits to be killed with SIGKILL (so it never closes the runtime).
 */
public final class RuntimeHostMain {
    private RuntimeHostMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessModuleRuntime runtime = new ProcessModuleRuntime(Path.of(args[0]), Clock.systemUTC());
        runtime.start(new ModuleSpec("orphan", args[1], null, Map.of("MODE", "tree"), null, null, null, "1"));
        Path grandchild = runtime.instanceDir("orphan").resolve("work/grandchild.pid");
        while (!Files.isRegularFile(grandchild) || Files.readString(grandchild).isBlank()) {
            Thread.sleep(20);
        }
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
