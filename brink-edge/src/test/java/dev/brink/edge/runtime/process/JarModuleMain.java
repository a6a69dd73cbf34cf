package dev.brink.edge.runtime.process;

/**
 * The main class of the runnable jar that {@link TestPackages#runnableJar} builds at test time. JDK only and no
 * nested classes: the jar holds this one class file.
 */
public final class JarModuleMain {
    private JarModuleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("jar module says " + System.getenv("GREETING"));
        System.out.println("java.home=" + System.getProperty("java.home"));
        System.out.println("user.dir=" + System.getProperty("user.dir"));
        System.err.println("to stderr");
        String sleep = System.getenv("SLEEP_SECONDS");
        if (sleep != null) {
            Thread.sleep(Long.parseLong(sleep) * 1000);
        }
        String code = System.getenv("EXIT_CODE");
        System.exit(code == null ? 0 : Integer.parseInt(code));
    }
}
