package dev.brink.cli.demo;

/** One verdict of the demo: what was checked, whether it held, and the evidence in one sentence. */
record Check(String name, boolean passed, String detail) {
    static Check pass(String name, String detail) {
        return new Check(name, true, detail);
    }

    static Check fail(String name, String detail) {
        return new Check(name, false, detail);
    }

    /** {@code PASS  name  detail}, the form the summary prints and the demo's test reads. */
    String line() {
        return (passed ? "PASS" : "FAIL") + "  " + name + ": " + detail;
    }
}
