package dev.brink.edge.runtime.process;

import dev.brink.edge.runtime.ModuleSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for the edge runtime JVM in {@link OrphanCleanupTest}: starts modules from the package
 * {@code args[1]} — {@code name=MODE} arguments, by default "orphan" and "headless" in {@code tree} mode (a
 * child and a grandchild each) — says "started" once all are ready, then waits to be killed with SIGKILL
 * (so it never closes the runtime).
 */
public final class RuntimeHostMain {
    private RuntimeHostMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessModuleRuntime runtime = new ProcessModuleRuntime(Path.of(args[0]), Clock.systemUTC());
        Map<String, String> modes = new LinkedHashMap<>();
        for (String arg : args.length > 2 ? Arrays.copyOfRange(args, 2, args.length) : new String[] {"orphan=tree",
            "headless=tree"}) {
            modes.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        modes.forEach((name, mode) -> runtime.start(new ModuleSpec(name, args[1], null, Map.of("MODE", mode), null,
                null, null, "1")));
        for (String name : modes.keySet()) {
            while (!runtime.logs(name, 0).contains("ready")) {
                Thread.sleep(20);
            }
        }
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
