package dev.brink.edge.runtime.process;

import dev.brink.edge.runtime.ModuleSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A stand-in for the edge runtime JVM in {@link OrphanCleanupTest}: starts two modules that each have a
 * child and a grandchild, says "started" once both are ready, then waits to be killed with SIGKILL (so it never closes the runtime).
 */
public final class RuntimeHostMain {
    private RuntimeHostMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessModuleRuntime runtime = new ProcessModuleRuntime(Path.of(args[0]), Clock.systemUTC());
        for (String name : new String[] {"orphan", "headless"}) {
            runtime.start(new ModuleSpec(name, args[1], null, Map.of("MODE", "tree"), null, null, null, "1"));
        }
        for (String name : new String[] {"orphan", "headless"}) {
            while (!runtime.logs(name, 0).contains("ready")) {
                Thread.sleep(20);
            }
        }
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
