package dev.brink.cli.demo;

import dev.brink.cli.BrinkMain;
import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the demo's child JVMs (the hub and the edge runtime): {@code brink <args>} plus a watchdog on
 * stdin. The demo holds the write end of each child's stdin and never writes to it; when the demo's JVM ends in
 * any way — even {@code kill -9}, where its own shutdown hook cannot run — the pipe closes, the watchdog reads
 * end-of-file and exits this JVM through its shutdown hooks, so the hub closes its store and the edge runtime
 * stops its modules. No process of the demo outlives it.
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            drain(System.in);
            System.exit(0);
        }, "demo-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        BrinkMain.main(args);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the demo never writes; anything read is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, just as end-of-file does
        }
    }
}
